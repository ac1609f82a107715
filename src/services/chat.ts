// The chat request path after transport concerns: load the conversation, assign
// the experiment variant, build the prompt from its active version, estimate
// input tokens, stream the provider's answer and store both messages with every
// field needed to reproduce and judge the answer. A request is either one new
// message in a stored conversation (/chat) or a transcript the caller sends
// whole (the OpenAI-compatible gateway, which may also name a provider model
// that skips experiments).
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { z } from "zod";
import type { Db } from "../db.ts";
import { BrokenCircuitError, TaskCancelledError } from "cockatiel";
import { NotFoundError, toAppError, ValidationError } from "../errors.ts";
import { ServerShuttingDownError } from "../lifecycle.ts";
import type { Logger } from "../logger.ts";
import type { AuthUser } from "./auth.ts";
import type { ActiveExperiment, ExperimentConfigCache } from "./experiment-config.ts";
import { AllProvidersFailedError } from "./llm/resilient-provider.ts";
import { parametersFromJson, type ChatTurn, type CompletionEvent, type CompletionParameters, type LlmProvider } from "./llm/provider.ts";
import { AnswerStream, type CallerStop } from "./answer-stream.ts";
import { AnswerText } from "./answer-text.ts";
import type { MessageBatchWriter } from "./message-batch-writer.ts";
import { serveExperiment } from "./served-version.ts";
import { applySystemPrompt, DEFAULT_SYSTEM_MESSAGE_POLICY } from "./system-message-policy.ts";
import type { TokenCountResult, TokenCounter } from "./token-counter.ts";
import { extended } from "../extended.ts";

export function chatInputSchema(maxMessageChars: number) {
  return z.strictObject({
    message: z
      .string({ error: "message must be a string" })
      .trim()
      .min(1, "message must not be empty")
      .max(maxMessageChars, `message must be at most ${maxMessageChars} characters`),
    conversation_id: z.uuid("conversation_id must be a UUID").optional(),
    /** Which experiment decides the prompt; the configured default when absent. */
    experiment: z.string().min(1).max(100).optional(),
  });
}

export type ChatInput = z.infer<ReturnType<typeof chatInputSchema>>;

/** An experiment by key, or a provider model served directly with no experiment. */
export type ChatTarget = { experiment: string } | { passthroughModel: string };

/**
 * A caller-supplied transcript (the OpenAI-compatible gateway): used instead of
 * `message` plus stored history; every call starts a new conversation.
 */
export interface TranscriptChatInput {
  transcript: ChatTurn[];
  target: ChatTarget;
  /** Who is hashed into a variant (an app's own end-user id); the owning user when absent. */
  assignmentUnit?: string;
  /** The caller's parameters; the prompt version's own parameters win where both are set. */
  parameters?: CompletionParameters;
}

/** Not found, with the key kept so the gateway can answer in its own terms (an unknown model). */
export class UnknownExperimentError extends NotFoundError {
  constructor(readonly experimentKey: string) {
    super(`No experiment with key "${experimentKey}".`);
  }
}

export interface ChatDeps {
  db: Db;
  /** Message writes, batched across concurrent chats. */
  messages: MessageBatchWriter;
  log: Logger;
  provider: LlmProvider;
  tokenCounter: TokenCounter;
  experiments: ExperimentConfigCache;
  defaultExperimentKey: string;
  defaultModel: string;
  maxHistoryMessages: number;
  /** Caps max_tokens upstream, whatever a prompt version asks for. */
  maxOutputTokens: number;
  /** Whole-answer limit; the first-token limit is the provider's (ResilientProvider). */
  streamTimeoutMs: number;
}

/** Used when no experiment governs the request (none configured under that key). */
const FALLBACK_SYSTEM_PROMPT = "You are a helpful assistant.";

function capOutputTokens(parameters: CompletionParameters, cap: number): CompletionParameters {
  return extended(parameters, { maxTokens: Math.min(parameters.maxTokens ?? cap, cap) });
}

export interface PreparedChat {
  traceId: string;
  userId: string;
  /** The id hashed into the variant: the gateway's `user`, else userId. */
  assignmentUnit: string;
  conversationId: string;
  /** The caller's last stored turn. */
  userMessageId: string;
  assistantMessageId: string;
  experiment: { key: string; variant: string; configVersion: number; promptVersionId: string | null; promptVersion: number | null } | null;
  model: string;
  parameters: CompletionParameters;
  turns: ChatTurn[];
  /**
   * The input-token estimate, still on its way: the first token does not wait
   * for it. Never rejects (the counter falls back to a local estimate), and
   * runChat awaits it before it returns, so a caller that reports it from
   * `.then` does so before the outcome.
   */
  estimate: Promise<TokenCountResult>;
  /** The provider's answer, requested while the turns were stored and counted. */
  answer: AnswerStream;
  /** Settles once the caller's turns are committed: null, or the error that kept them out (never rejects). */
  turnsStored: Promise<unknown>;
}

export interface ChatOutcome {
  messageId: string;
  /** False when the caller's turns could not be stored, so neither is the answer. */
  stored: boolean;
  status: "complete" | "incomplete" | "error";
  content: string;
  provider: string;
  model: string;
  fallback: boolean;
  tokensIn: number;
  tokensOut: number;
  usageSource: "provider" | "tokenizer";
  latencyMs: number;
  timeToFirstTokenMs: number | null;
  costUsd: string | null;
  error: { code: string; message: string } | null;
}

async function loadHistory(db: Db, userId: string, conversationId: string, limit: number): Promise<ChatTurn[]> {
  const conversation = await db.conversation.findFirst({
    where: { id: conversationId, userId },
    select: {
      messages: {
        where: { role: { in: ["user", "assistant"] }, content: { not: "" } },
        orderBy: { createdAt: "desc" },
        take: limit,
        select: { role: true, content: true },
      },
    },
  });
  // Someone else's conversation is indistinguishable from a missing one.
  if (!conversation) throw new NotFoundError("No such conversation.");
  return conversation.messages.reverse().map((m) => ({ role: m.role, content: m.content }));
}

function chooseVersion(experiment: ActiveExperiment | null, userId: string) {
  if (!experiment || experiment.variants.length === 0) return null;
  // The canary's version when the user is in its slice: messages record what was actually served.
  const { variant, promptVersion } = serveExperiment(experiment, userId);
  return { experiment, variant, promptVersion };
}

/** Both kinds of request reduced to what preparing a chat needs. */
function planOf(input: ChatInput | TranscriptChatInput, user: AuthUser, defaultExperimentKey: string) {
  if ("transcript" in input) {
    const experiment = "experiment" in input.target ? input.target.experiment : null;
    return {
      experimentKey: experiment,
      requiredExperiment: experiment,
      passthroughModel: "passthroughModel" in input.target ? input.target.passthroughModel : null,
      conversationId: null,
      callerTurns: input.transcript,
      isTranscript: true,
      assignmentUnit: input.assignmentUnit ?? user.id,
      parameters: input.parameters ?? {},
    };
  }
  return {
    experimentKey: input.experiment ?? defaultExperimentKey,
    requiredExperiment: input.experiment ?? null,
    passthroughModel: null,
    conversationId: input.conversation_id ?? null,
    callerTurns: [{ role: "user", content: input.message }] as ChatTurn[],
    isTranscript: false,
    assignmentUnit: user.id,
    parameters: {},
  };
}

/**
 * Everything before the first token: history, assignment and the prompt, with
 * the provider call, the token estimate and the write of the caller's turns
 * already started. It returns once the turns are stored or the provider's first event
 * is ready, whichever comes first, so a quick model does not wait for the
 * database's commit (the benchmarks measured that wait as the longest leg
 * before the first token). A write that fails before
 * that is thrown, with the provider call aborted, and the route answers 503
 * with nothing sent; one that fails later stops the answer, which ends in an
 * error event (see runChat). Either way the answer is never stored without
 * the turns it answers.
 */
export async function prepareChat(
  deps: ChatDeps,
  user: AuthUser,
  input: ChatInput | TranscriptChatInput,
  traceId: string,
  /** The caller going away or the server's shutdown deadline: the answer is then incomplete, not failed. */
  callerStops: readonly CallerStop[],
): Promise<PreparedChat> {
  const plan = planOf(input, user, deps.defaultExperimentKey);
  if (plan.callerTurns.length === 0) throw new ValidationError("A chat needs at least one message.");
  const [history, experiment] = await Promise.all([
    plan.conversationId
      ? loadHistory(deps.db, user.id, plan.conversationId, deps.maxHistoryMessages)
      : Promise.resolve([]),
    plan.experimentKey === null ? Promise.resolve(null) : deps.experiments.get(plan.experimentKey),
  ]);
  if (!experiment && plan.requiredExperiment !== null) throw new UnknownExperimentError(plan.requiredExperiment);

  const chosen = chooseVersion(experiment, plan.assignmentUnit);
  const version = chosen?.promptVersion ?? null;
  const model = version?.model ?? plan.passthroughModel ?? deps.defaultModel;
  const turns: ChatTurn[] = plan.isTranscript
    ? applySystemPrompt(
        plan.callerTurns,
        version?.systemPrompt ?? null,
        experiment?.systemMessagePolicy ?? DEFAULT_SYSTEM_MESSAGE_POLICY,
      )
    : [{ role: "system", content: version?.systemPrompt ?? FALLBACK_SYSTEM_PROMPT }, ...history, ...plan.callerTurns];
  const parameters = capOutputTokens(extended(plan.parameters, parametersFromJson(version?.parameters)), deps.maxOutputTokens);
  // Started before the estimate and the write below, so its round trip overlaps
  // theirs instead of following them: with a real model, whose first token takes
  // hundreds of milliseconds, that hides both.
  const answer = new AnswerStream(deps.provider, { model, messages: turns, parameters }, callerStops, deps.streamTimeoutMs);
  // Estimated once the prompt is built, so the figure covers the system prompt
  // and history too: that is what the provider will bill. The sidecar call, the
  // write below and the provider call are independent round trips, so they
  // overlap, and nothing before the first token waits for the estimate: it is
  // reported on its own (an `estimate` event, a log line) and stored with the answer.
  // The counter falls back to its local estimate by itself, so this never rejects.
  const estimate = deps.tokenCounter.countChat(model, turns);

  const conversationId = plan.conversationId ?? randomUUID();
  const stored = plan.callerTurns.map((turn) => extended(turn, { id: randomUUID() }));
  const userMessageId = stored[stored.length - 1]!.id;
  const title = (plan.callerTurns.find((turn) => turn.role === "user") ?? plan.callerTurns[0])!.content.slice(0, 80);
  // Turns inserted together need distinct times to keep their order; all precede the answer.
  const firstAt = Date.now() - stored.length;
  // The caller's turns go to the database alongside the provider call; `done` waits for them.
  const storing = deps.messages.write({
    conversation: plan.conversationId ? { touch: conversationId } : { create: { id: conversationId, userId: user.id, title } },
    messages: stored.map((turn, index) => ({
      id: turn.id,
      conversationId,
      role: turn.role,
      content: turn.content,
      traceId,
      experimentKey: chosen?.experiment.key ?? null,
      variant: chosen?.variant.key ?? null,
      promptVersionId: version?.id ?? null,
      assignmentUnit: plan.assignmentUnit,
      ...(stored.length > 1 ? { createdAt: new Date(firstAt + index) } : {}),
    })),
  });
  // Settles with the failure instead of rejecting, so a write that fails while nobody awaits it is
  // not an unhandled rejection; the failure stops the provider call at once.
  const turnsStored = storing.then(
    () => null,
    (error: unknown) => {
      answer.abandon(error);
      return error ?? new Error("the turns could not be stored");
    },
  );
  // A write that failed before the provider answered is this request's error (the answer is already abandoned).
  const failure = await Promise.race([turnsStored, answer.first.then(NOTHING_FAILED, NOTHING_FAILED)]);
  if (failure !== null) throw failure;

  return {
    traceId,
    userId: user.id,
    assignmentUnit: plan.assignmentUnit,
    conversationId,
    userMessageId,
    assistantMessageId: randomUUID(),
    experiment: chosen
      ? {
          key: chosen.experiment.key,
          variant: chosen.variant.key,
          configVersion: chosen.experiment.version,
          promptVersionId: version?.id ?? null,
          promptVersion: version?.version ?? null,
        }
      : null,
    model,
    parameters,
    turns,
    estimate,
    answer,
    turnsStored,
  };
}

const NOTHING_FAILED = () => null;
const NO_EVENT_YET: IteratorResult<CompletionEvent> = { done: true, value: undefined };

export class ClientDisconnectedError extends Error {
  constructor() {
    super("client disconnected");
    this.name = "ClientDisconnectedError";
  }
}

function turnsNotStored(failure: unknown): { code: string; message: string } {
  const app = toAppError(failure);
  const why = app.status === 503 ? app.message : "The message could not be stored.";
  return { code: app.status === 503 ? app.code : "not_stored", message: `${why} Nothing from this chat was saved; please retry.` };
}

function upstreamFailure(error: unknown, streamTimedOut: boolean): { code: string; message: string } {
  if (streamTimedOut) return { code: "stream_timeout", message: "The model took too long to finish the answer." };
  // ResilientProvider reports every provider's failure; the last one says most.
  const cause = error instanceof AllProvidersFailedError ? error.causes.at(-1) : error;
  if (cause instanceof TaskCancelledError) {
    return { code: "first_token_timeout", message: "The model did not start answering in time." };
  }
  if (cause instanceof BrokenCircuitError) {
    return { code: "provider_unavailable", message: "The model provider is failing; requests are paused for a few seconds." };
  }
  const status = typeof cause === "object" && cause !== null && "status" in cause ? (cause as { status: unknown }).status : undefined;
  if (typeof status === "number") {
    return { code: "upstream_error", message: `The model provider failed (HTTP ${status}).` };
  }
  const app = toAppError(cause);
  if (app.status < 500) return { code: app.code, message: app.message };
  return { code: "upstream_error", message: "The model provider failed while answering." };
}

/**
 * Streams the answer, calling onDelta per text piece, then stores the assistant
 * message (complete, incomplete after a client abort, or error) and returns the
 * outcome. Never throws for provider failures: they become an error outcome.
 */
export async function runChat(
  deps: ChatDeps,
  prepared: PreparedChat,
  startedAt: number,
  onDelta: (text: string) => void,
): Promise<ChatOutcome> {
  const { answer } = prepared;

  let served = { provider: deps.provider.name, model: prepared.model, fallback: false };
  const answerText = new AnswerText();
  let timeToFirstTokenMs: number | null = null;
  let usage: { tokensIn: number; tokensOut: number } | null = null;
  let status: ChatOutcome["status"] = "complete";
  let error: ChatOutcome["error"] = null;
  try {
    let next = await answer.first;
    let event: CompletionEvent | null = null;
    while (!next.done) {
      event = next.value;
      if (event.type === "served") {
        served = { provider: event.provider, model: event.model, fallback: event.fallback };
      } else if (event.type === "usage") {
        usage = { tokensIn: event.tokensIn, tokensOut: event.tokensOut };
      } else {
        timeToFirstTokenMs ??= Math.round(performance.now() - startedAt);
        answerText.append(event.text);
        onDelta(event.text);
      }
      // Until V8 optimizes this function, a suspended call keeps all its
      // registers, dead or not: without this, the event just forwarded, text
      // and all, stayed on the heap of every open stream until the next one
      // arrived (0.5 KB per stream in the streams benchmark's heap snapshot).
      event = null;
      next = NO_EVENT_YET;
      next = await answer.events.next();
    }
    answer.markReadToEnd();
    // A provider may end its stream quietly when its signal aborts, so a clean
    // loop exit does not yet mean the answer is complete.
    answer.signal.throwIfAborted();
  } catch (caught) {
    const stopped = answer.stoppedByCaller;
    if (stopped?.reason instanceof ServerShuttingDownError) {
      status = "error";
      error = { code: "server_shutting_down", message: "The server restarted before the answer finished; please retry." };
    } else if (stopped) {
      status = "incomplete";
    } else if (!answer.abandoned) {
      // Abandoned means the turns could not be stored: reported below, not as the provider's failure.
      status = "error";
      error = upstreamFailure(caught, answer.deadlineReached);
      deps.log.warn({ err: caught, provider: served.provider, code: error.code }, "provider stream failed");
    }
  } finally {
    answer.release();
  }
  // The answer is stored only beside the turns it answers: if they could not be
  // stored, the answer was stopped when that happened (or is over anyway) and is dropped.
  const turnsFailure = await prepared.turnsStored;
  const estimate = await prepared.estimate;
  if (turnsFailure !== null) {
    status = "error";
    error = turnsNotStored(turnsFailure);
    deps.log.error({ err: turnsFailure }, "the caller's turns could not be stored; answer stopped");
  }

  const latencyMs = Math.round(performance.now() - startedAt);
  const content = answerText.toString();
  const tokensIn = usage?.tokensIn ?? estimate.tokens;
  const tokensOut = usage?.tokensOut ?? (content ? (await deps.tokenCounter.countText(served.model, content)).tokens : 0);
  const { costUsd } = await deps.tokenCounter.price(served.model, tokensIn, tokensOut);

  if (turnsFailure === null) {
    await deps.messages.write({
      messages: [
        {
          id: prepared.assistantMessageId,
          conversationId: prepared.conversationId,
          role: "assistant",
          content,
          status,
          provider: served.provider,
          model: served.model,
          fallback: served.fallback,
          tokensIn,
          tokensOut,
          preEstimatedTokens: estimate.tokens,
          estimateSource: estimate.source,
          latencyMs,
          timeToFirstTokenMs,
          costUsd,
          experimentKey: prepared.experiment?.key ?? null,
          variant: prepared.experiment?.variant ?? null,
          promptVersionId: prepared.experiment?.promptVersionId ?? null,
          traceId: prepared.traceId,
          errorCode: error?.code ?? null,
          assignmentUnit: prepared.assignmentUnit,
        },
      ],
    });
  }

  return {
    messageId: prepared.assistantMessageId,
    stored: turnsFailure === null,
    status,
    content,
    // Named, not spread: a literal that spreads and then adds keys makes hidden classes per call (extended.ts).
    provider: served.provider,
    model: served.model,
    fallback: served.fallback,
    tokensIn,
    tokensOut,
    usageSource: usage ? "provider" : "tokenizer",
    latencyMs,
    timeToFirstTokenMs,
    costUsd,
    error,
  };
}
