// Gateway answers in OpenAI's exact shapes: a chat.completion, the
// chat.completion.chunk sequence of a stream, and the model list. They are typed
// with the official SDK's own interfaces, so the compiler checks the wire
// format. PromptLab's own facts travel in x-promptlab-* headers, never in the body.
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import type { CompletionUsage } from "openai/resources/completions";
import type { Model } from "openai/resources/models";
import type { PreparedChat } from "../../services/chat.ts";
import type { GatewayModel } from "../../services/gateway-models.ts";

export type FinishReason = "stop" | "length";

/** Fixed for a whole completion: every chunk of a stream repeats them. */
export interface CompletionMeta {
  id: string;
  /** Unix seconds. */
  created: number;
  /** The model that served the answer, as OpenAI reports the resolved model rather than the alias asked for. */
  model: string;
}

/** `chatcmpl-<message id>`: the x-promptlab-message-id header is the one to rely on. */
export function completionId(messageId: string): string {
  return `chatcmpl-${messageId}`;
}

/**
 * The provider interface reports no finish reason, so it is derived: an answer
 * that used its whole max_tokens allowance was cut off.
 */
export function finishReasonOf(tokensOut: number, maxTokens: number | undefined): FinishReason {
  return maxTokens !== undefined && tokensOut >= maxTokens ? "length" : "stop";
}

export function usageOf(tokensIn: number, tokensOut: number): CompletionUsage {
  return { prompt_tokens: tokensIn, completion_tokens: tokensOut, total_tokens: tokensIn + tokensOut };
}

export function chatCompletion(
  meta: CompletionMeta,
  content: string,
  finishReason: FinishReason,
  usage: CompletionUsage,
): ChatCompletion {
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage,
  };
}

function chunk(
  meta: CompletionMeta,
  delta: ChatCompletionChunk.Choice.Delta,
  finishReason: FinishReason | null,
  includeUsage: boolean,
): ChatCompletionChunk {
  return {
    id: meta.id,
    object: "chat.completion.chunk",
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    // With include_usage, OpenAI marks every chunk but the last with usage: null.
    ...(includeUsage ? { usage: null } : {}),
  };
}

/** The first chunk: the role, with empty content, as OpenAI opens every stream. */
export function roleChunk(meta: CompletionMeta, includeUsage: boolean): ChatCompletionChunk {
  return chunk(meta, { role: "assistant", content: "" }, null, includeUsage);
}

export function contentChunk(meta: CompletionMeta, text: string, includeUsage: boolean): ChatCompletionChunk {
  return chunk(meta, { content: text }, null, includeUsage);
}

export function finishChunk(meta: CompletionMeta, finishReason: FinishReason, includeUsage: boolean): ChatCompletionChunk {
  return chunk(meta, {}, finishReason, includeUsage);
}

/** Sent only when stream_options.include_usage is set: no choices, the usage of the whole answer. */
export function usageChunk(meta: CompletionMeta, usage: CompletionUsage): ChatCompletionChunk {
  return { id: meta.id, object: "chat.completion.chunk", created: meta.created, model: meta.model, choices: [], usage };
}

export function modelList(models: readonly GatewayModel[]): { object: "list"; data: Model[] } {
  return {
    object: "list",
    data: models.map((model) => ({ id: model.id, object: "model", created: model.created, owned_by: model.ownedBy })),
  };
}

/** What the caller needs to send feedback and to see which experiment arm answered. */
export function promptlabHeaders(prepared: PreparedChat): Record<string, string> {
  const headers: Record<string, string> = {
    "x-promptlab-message-id": prepared.assistantMessageId,
    "x-promptlab-conversation-id": prepared.conversationId,
  };
  const experiment = prepared.experiment;
  if (experiment) {
    headers["x-promptlab-experiment"] = experiment.key;
    headers["x-promptlab-variant"] = experiment.variant;
    if (experiment.promptVersion !== null) headers["x-promptlab-prompt-version"] = String(experiment.promptVersion);
    if (experiment.promptVersionId !== null) headers["x-promptlab-prompt-version-id"] = experiment.promptVersionId;
  }
  return headers;
}
