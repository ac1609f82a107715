// One exchange that is happening (or just happened) in this tab: the user's
// text and the answer as it streams. Once the server has stored both messages,
// history takes over and the live turn is no longer shown.
import type { DoneEvent, MetaEvent, StreamErrorEvent } from "../api/chat-events.ts";
import type { ChatStreamEnd } from "../api/chat-stream.ts";

export type LivePhase = "waiting" | "streaming" | "complete" | "incomplete" | "error";

export interface LiveTurn {
  localId: string;
  /** Null until `meta` names the conversation a new chat created. */
  conversationId: string | null;
  userText: string;
  meta: MetaEvent | null;
  answer: string;
  phase: LivePhase;
  done: DoneEvent | null;
  error: StreamErrorEvent | null;
}

export function startTurn(localId: string, conversationId: string | null, userText: string): LiveTurn {
  return { localId, conversationId, userText, meta: null, answer: "", phase: "waiting", done: null, error: null };
}

export function withMeta(turn: LiveTurn, meta: MetaEvent): LiveTurn {
  return { ...turn, meta, conversationId: meta.conversation_id };
}

export function withDelta(turn: LiveTurn, text: string): LiveTurn {
  return { ...turn, answer: turn.answer + text, phase: "streaming" };
}

const CONNECTION_LOST: StreamErrorEvent = {
  code: "connection_lost",
  message: "The connection to the server dropped before the answer finished.",
};

export function withEnd(turn: LiveTurn, end: ChatStreamEnd): LiveTurn {
  switch (end.kind) {
    case "done":
      return { ...turn, phase: end.done.status === "complete" ? "complete" : end.done.status, done: end.done };
    case "error":
      return { ...turn, phase: "error", error: end.error };
    case "stopped":
      return { ...turn, phase: "incomplete" };
    case "cut":
      return { ...turn, phase: "error", error: CONNECTION_LOST };
  }
}

export function isActive(turn: LiveTurn): boolean {
  return turn.phase === "waiting" || turn.phase === "streaming";
}
