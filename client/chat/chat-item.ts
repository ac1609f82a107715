// The one shape the message list renders, built from stored history and from
// live turns alike, so a streamed answer and its stored copy look identical
// and keep the same React key (its message id) when one replaces the other.
import type { HistoryMessage, Rating } from "../api/trpc.ts";
import type { LiveTurn } from "./live-turn.ts";
import { streamErrorText } from "./stream-error-text.ts";

export interface MessageMetrics {
  tokensIn: number;
  tokensOut: number;
  latencyMs: number | null;
  timeToFirstTokenMs: number | null;
  costUsd: string | null;
}

export interface ChatItem {
  key: string;
  /** The stored message id; null until the server names it. */
  messageId: string | null;
  role: "user" | "assistant";
  content: string;
  state: "waiting" | "streaming" | "complete" | "incomplete" | "error";
  metrics: MessageMetrics | null;
  variant: string | null;
  promptVersion: number | null;
  model: string | null;
  /** Who actually answered; "simulator" is the built-in stand-in, not a model. */
  provider: string | null;
  rating: Rating | null;
  errorText: string | null;
  /** For a failed answer: the question to ask again. */
  retryText: string | null;
  /** Whether the message is stored, so feedback can attach to it. */
  ratable: boolean;
}

function storedMetrics(message: HistoryMessage): MessageMetrics | null {
  if (message.tokensIn === null || message.tokensOut === null) return null;
  return {
    tokensIn: message.tokensIn,
    tokensOut: message.tokensOut,
    latencyMs: message.latencyMs,
    timeToFirstTokenMs: message.timeToFirstTokenMs,
    costUsd: message.costUsd,
  };
}

function fromHistory(messages: HistoryMessage[], versionNumbers: ReadonlyMap<string, number>): ChatItem[] {
  const items: ChatItem[] = [];
  let lastUserText: string | null = null;
  for (const message of messages) {
    if (message.role === "system") continue;
    const isAssistant = message.role === "assistant";
    items.push({
      key: message.id,
      messageId: message.id,
      role: message.role,
      content: message.content,
      state: message.status,
      metrics: isAssistant ? storedMetrics(message) : null,
      variant: isAssistant ? message.variant : null,
      promptVersion: isAssistant && message.promptVersionId ? (versionNumbers.get(message.promptVersionId) ?? null) : null,
      model: message.model,
      provider: message.provider,
      rating: message.rating === 1 || message.rating === -1 ? message.rating : null,
      errorText: message.status === "error" ? streamErrorText(message.errorCode) : null,
      retryText: message.status === "error" ? lastUserText : null,
      ratable: isAssistant,
    });
    if (message.role === "user") lastUserText = message.content;
  }
  return items;
}

function fromLiveTurn(turn: LiveTurn): [ChatItem, ChatItem] {
  const done = turn.done;
  const user: ChatItem = {
    key: turn.meta?.user_message_id ?? `${turn.localId}:user`,
    messageId: turn.meta?.user_message_id ?? null,
    role: "user",
    content: turn.userText,
    state: "complete",
    metrics: null,
    variant: null,
    promptVersion: null,
    model: null,
    provider: null,
    rating: null,
    errorText: null,
    retryText: null,
    ratable: false,
  };
  const assistant: ChatItem = {
    key: turn.meta?.message_id ?? `${turn.localId}:assistant`,
    messageId: turn.meta?.message_id ?? null,
    role: "assistant",
    content: turn.answer,
    state: turn.phase,
    metrics: done
      ? {
          tokensIn: done.tokens_in,
          tokensOut: done.tokens_out,
          latencyMs: done.latency_ms,
          timeToFirstTokenMs: done.time_to_first_token_ms,
          costUsd: done.cost_usd,
        }
      : null,
    variant: turn.meta?.variant ?? null,
    promptVersion: turn.meta?.prompt_version ?? null,
    model: done?.model ?? turn.meta?.model ?? null,
    provider: done?.provider ?? turn.meta?.provider ?? null,
    rating: null,
    errorText: turn.error ? streamErrorText(turn.error.code, turn.error.message) : null,
    retryText: turn.phase === "error" ? turn.userText : null,
    // The server stores the answer before it sends `done` or `error`; a stopped
    // one is stored a moment later and becomes ratable once history has it.
    ratable: turn.meta !== null && (turn.phase === "complete" || turn.phase === "error"),
  };
  return [user, assistant];
}

/** History first, then whatever of the live turns history does not have yet. */
export function buildChatItems(
  history: HistoryMessage[] | undefined,
  turns: readonly LiveTurn[],
  versionNumbers: ReadonlyMap<string, number>,
): ChatItem[] {
  const items = fromHistory(history ?? [], versionNumbers);
  const stored = new Set(items.map((item) => item.messageId));
  for (const turn of turns) {
    for (const item of fromLiveTurn(turn)) {
      if (!item.messageId || !stored.has(item.messageId)) items.push(item);
    }
  }
  return items;
}
