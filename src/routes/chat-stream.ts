// POST /chat: the raw SSE route. Auth, validation and rate-limit failures are
// plain JSON errors sent before any SSE header; once streaming starts, failures
// arrive as an `error` event and the partial answer is kept, except when the
// caller's turn could not be stored: then nothing is, and the error event names
// no message.
//
// Events: meta (ids, experiment, variant, prompt version, trace id), estimate
// (input tokens, with the first event after the sidecar answers), delta (text),
// done (tokens, latency, time to first token, cost), error.
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { chatDeps, type AppDeps } from "../deps.ts";
import { readJsonBody } from "../http/read-body.ts";
import { SseStream } from "../http/sse.ts";
import { parseInput } from "../http/validation.ts";
import type { Logger } from "../logger.ts";
import { chatInputSchema, prepareChat, runChat } from "../services/chat.ts";
import { settleChat } from "../services/chat-settlement.ts";
import { logChatStarted } from "../services/chat-start-log.ts";
import { assertAllowed, rateLimitHeaders } from "../services/rate-limit.ts";
import { apiKeyFrom } from "./api-key-header.ts";
import { clientHangUp } from "./client-hang-up.ts";
import { extended } from "../extended.ts";

export function createChatRoute(deps: AppDeps) {
  const inputSchema = chatInputSchema(deps.config.MAX_MESSAGE_CHARS);

  return async function handleChat(req: IncomingMessage, res: ServerResponse, traceId: string, log: Logger) {
    const startedAt = performance.now();
    let sse: SseStream | undefined;
    try {
      const user = await deps.auth.authenticate(apiKeyFrom(req));
      const input = parseInput(inputSchema, await readJsonBody(req, deps.config.MAX_BODY_BYTES));
      const decision = await deps.rateLimiter.consume(user);
      assertAllowed(decision);
      await deps.tokenBudget.assertAvailable(user);

      // The request's own logger (app.ts makes one per request) takes the user, rather than a child
      // logger: that added an object and a prototype map to every open stream.
      log.setBindings({ user_id: user.id });
      const requestLog = log;
      const services = chatDeps(deps, requestLog);
      // A client hang-up or the end of the shutdown grace period stops the answer, which starts inside prepareChat.
      const prepared = await prepareChat(services, user, input, traceId, [clientHangUp(res), deps.lifecycle.stopSignal]);
      sse = new SseStream(res, extended(rateLimitHeaders(decision), { "x-request-id": traceId }));
      sse.send("meta", {
        conversation_id: prepared.conversationId,
        user_message_id: prepared.userMessageId,
        message_id: prepared.assistantMessageId,
        experiment: prepared.experiment?.key ?? null,
        variant: prepared.experiment?.variant ?? null,
        prompt_version_id: prepared.experiment?.promptVersionId ?? null,
        prompt_version: prepared.experiment?.promptVersion ?? null,
        config_version: prepared.experiment?.configVersion ?? null,
        provider: deps.provider.name,
        model: prepared.model,
        trace_id: traceId,
      });

      const stream = sse;
      // The estimate goes out with the first event after the sidecar answers
      // (a delta, or at the latest done or error: runChat waits for the same promise
      // after this callback), so it neither holds up the first token nor
      // costs a socket write of its own.
      void prepared.estimate.then((estimate) => {
        logChatStarted(requestLog, prepared, estimate, { provider: deps.provider.name }, "chat started");
        stream.sendWithNext("estimate", { pre_estimated_tokens: estimate.tokens, estimate_source: estimate.source });
      });
      // Tracked until the last event is written, so a shutdown never cuts a finished answer's tail.
      await deps.lifecycle.track(async () => {
        const outcome = await runChat(services, prepared, startedAt, (text) => stream.send("delta", { text }));
        await settleChat(deps.tokenBudget, user, outcome, requestLog, "chat finished");
        if (outcome.error) {
          stream.send("error", { ...outcome.error, ...(outcome.stored ? { message_id: outcome.messageId } : {}) });
        } else {
          stream.send("done", {
            message_id: outcome.messageId,
            status: outcome.status,
            provider: outcome.provider,
            model: outcome.model,
            fallback: outcome.fallback,
            tokens_in: outcome.tokensIn,
            tokens_out: outcome.tokensOut,
            total_tokens: outcome.tokensIn + outcome.tokensOut,
            usage_source: outcome.usageSource,
            latency_ms: outcome.latencyMs,
            time_to_first_token_ms: outcome.timeToFirstTokenMs,
            cost_usd: outcome.costUsd,
          });
        }
        stream.end();
      });
    } catch (error) {
      if (!sse) {
        // Nothing sent yet: app.ts answers it as a JSON error, with x-request-id.
        throw error;
      }
      if (sse.open) {
        log.error({ err: error }, "chat failed after streaming began");
        sse.send("error", { code: "internal_error", message: "The answer could not be completed." });
      }
      // Also when the client has already gone: end() stops the heartbeat timer, which would keep the stream alive.
      sse.end();
    }
  };
}
