// POST /v1/chat/completions: the chat route's pipeline behind OpenAI's API.
// Authentication, validation, the rate limit, the token budget, the experiment
// (from `model: "promptlab/<key>"`, assigned by the request's `user`), the
// token pre-estimate, persistence and client-disconnect aborts are the chat
// service's; this file only translates the request in and the answer out.
//
// A provider failure before the first token is a real HTTP error (502, or 503
// while its circuit is open); after streaming began it is an error event that
// ends the stream without [DONE], and the partial answer is stored as `error`.
import type { IncomingMessage, ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { chatDeps, type AppDeps } from "../../deps.ts";
import { readJsonBody } from "../../http/read-body.ts";
import { sendJson } from "../../http/respond.ts";
import { parseInput } from "../../http/validation.ts";
import type { Logger } from "../../logger.ts";
import { prepareChat, runChat, type ChatOutcome } from "../../services/chat.ts";
import { settleChat } from "../../services/chat-settlement.ts";
import { logChatStarted } from "../../services/chat-start-log.ts";
import { resolveModelName } from "../../services/gateway-models.ts";
import { assertAllowed, rateLimitHeaders } from "../../services/rate-limit.ts";
import { apiKeyFrom } from "../api-key-header.ts";
import { clientHangUp } from "../client-hang-up.ts";
import { ChunkStream } from "./chunk-stream.ts";
import { chatFailureError, openAiError } from "./error-shape.ts";
import { chatCompletionRequestSchema, toGatewayRequest } from "./request-schema.ts";
import {
  chatCompletion,
  completionId,
  contentChunk,
  finishChunk,
  finishReasonOf,
  promptlabHeaders,
  roleChunk,
  usageChunk,
  usageOf,
} from "./response-shape.ts";
import { extended } from "../../extended.ts";

export function createChatCompletionsRoute(deps: AppDeps) {
  const schema = chatCompletionRequestSchema(deps.config.MAX_MESSAGE_CHARS);

  return async function chatCompletions(req: IncomingMessage, res: ServerResponse, traceId: string, log: Logger) {
    const startedAt = performance.now();
    const created = Math.floor(Date.now() / 1000);
    const user = await deps.auth.authenticate(apiKeyFrom(req));
    const request = toGatewayRequest(parseInput(schema, await readJsonBody(req, deps.config.MAX_BODY_BYTES)));
    const decision = await deps.rateLimiter.consume(user);
    assertAllowed(decision);
    await deps.tokenBudget.assertAvailable(user);

    // The request's own logger (app.ts makes one per request) takes the user, rather than a child
    // logger: that added an object and a prototype map to every open stream.
    log.setBindings({ user_id: user.id, route: "gateway" });
    const requestLog = log;
    const services = chatDeps(deps, requestLog);
    const prepared = await prepareChat(
      services,
      user,
      {
        transcript: request.turns,
        target: resolveModelName(request.model),
        parameters: request.parameters,
        ...(request.user !== null ? { assignmentUnit: request.user } : {}),
      },
      traceId,
      // A client hang-up stops the answer, which starts inside prepareChat.
      [clientHangUp(res)],
    );
    // Logged when the sidecar answers: the first chunk does not wait for the estimate.
    void prepared.estimate.then((estimate) =>
      logChatStarted(requestLog, prepared, estimate, { stream: request.stream, turns: request.turns.length }, "gateway chat started"),
    );

    const headers = extended(rateLimitHeaders(decision), promptlabHeaders(prepared), { "x-request-id": traceId });
    const meta = { id: completionId(prepared.assistantMessageId), created, model: prepared.model };
    const finish = async (outcome: ChatOutcome) => {
      await settleChat(deps.tokenBudget, user, outcome, requestLog, "gateway chat finished");
      return {
        finishReason: finishReasonOf(outcome.tokensOut, prepared.parameters.maxTokens),
        usage: usageOf(outcome.tokensIn, outcome.tokensOut),
      };
    };

    if (!request.stream) {
      const outcome = await runChat(services, prepared, startedAt, () => {});
      const { finishReason, usage } = await finish(outcome);
      if (outcome.status === "incomplete") return; // the caller hung up: nobody to answer
      if (outcome.error) throw withHeaders(chatFailureError(outcome.error), headers);
      // The served model, which differs from the one asked for after a provider failover.
      sendJson(res, 200, chatCompletion({ ...meta, model: outcome.model }, outcome.content, finishReason, usage), headers);
      return;
    }

    const stream = new ChunkStream(res, headers);
    const outcome = await runChat(services, prepared, startedAt, (text) => {
      if (!stream.started) stream.send(roleChunk(meta, request.includeUsage));
      stream.send(contentChunk(meta, text, request.includeUsage));
    });
    const { finishReason, usage } = await finish(outcome);
    if (outcome.status === "incomplete") {
      stream.end();
      return;
    }
    if (outcome.error) {
      const failure = chatFailureError(outcome.error);
      if (!stream.started) throw withHeaders(failure, headers);
      stream.fail(openAiError(failure).body);
      return;
    }
    if (!stream.started) stream.send(roleChunk(meta, request.includeUsage));
    stream.send(finishChunk(meta, finishReason, request.includeUsage));
    if (request.includeUsage) stream.send(usageChunk(meta, usage));
    stream.done();
  };
}

/** A failed answer still names its stored message, so the caller can find it. */
function withHeaders<E extends { headers: Record<string, string> }>(error: E, headers: Record<string, string>): E {
  Object.assign(error.headers, headers);
  return error;
}
