// Sending, streaming, stopping and retrying chats. Live turns are kept per tab
// and shown until stored history contains them; a refusal before streaming
// (rate limit, bad input, unreachable server) hands the text back unsent, and
// so does a chat the server could not store once it had begun to stream (an
// error event naming no message): nothing of it exists, not even the
// conversation it would have started, so the view goes back to where it was.
import { useCallback, useEffect, useRef, useState } from "react";
import { ChatRequestError, type ChatRefusal } from "../api/chat-request-error.ts";
import { streamChat, type ChatStreamEnd } from "../api/chat-stream.ts";
import { trpc } from "../api/trpc.ts";
import { useAuth } from "../auth/auth-context.tsx";
import { isActive, startTurn, withDelta, withEnd, withMeta, type LiveTurn } from "./live-turn.ts";

/** After Stop the server stores the partial answer a moment later; look for it this often. */
const STORED_CHECK_DELAYS_MS = [150, 400, 1_000, 2_500];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ChatSession {
  turns: LiveTurn[];
  busy: boolean;
  refusal: ChatRefusal | null;
  send(text: string): Promise<boolean>;
  stop(): void;
  dismissRefusal(): void;
}

export function useChatSession(
  conversationId: string | null,
  /** The chat moved to a conversation it created, or (null) back to a new chat when that one was not stored. */
  onConversationChange: (conversationId: string | null) => void,
): ChatSession {
  const { apiKey, signOut } = useAuth();
  const utils = trpc.useUtils();
  const [turns, setTurns] = useState<LiveTurn[]>([]);
  // A refusal belongs to the conversation it happened in, and shows only there.
  const [refused, setRefused] = useState<{ refusal: ChatRefusal; conversationId: string | null } | null>(null);
  const refusal = refused && refused.conversationId === conversationId ? refused.refusal : null;
  const setRefusal = useCallback(
    (next: ChatRefusal | null) => setRefused(next ? { refusal: next, conversationId } : null),
    [conversationId],
  );
  const controller = useRef<AbortController | null>(null);
  const nextLocalId = useRef(0);
  const onChange = useRef(onConversationChange);
  useEffect(() => {
    onChange.current = onConversationChange;
  });

  const update = useCallback((localId: string, change: (turn: LiveTurn) => LiveTurn) => {
    setTurns((all) => all.map((turn) => (turn.localId === localId ? change(turn) : turn)));
  }, []);

  const refreshAfter = useCallback(
    async (end: ChatStreamEnd, turnConversation: string | null, assistantId: string | null) => {
      void utils.conversations.list.invalidate();
      void utils.me.invalidate();
      void utils.feedback.stats.invalidate();
      if (!turnConversation) return;
      if (end.kind === "done" || end.kind === "error") {
        await utils.conversations.messages.invalidate({ conversationId: turnConversation });
        return;
      }
      for (const delay of STORED_CHECK_DELAYS_MS) {
        await sleep(delay);
        const history = await utils.conversations.messages.fetch({ conversationId: turnConversation }, { staleTime: 0 }).catch(() => null);
        if (history?.messages.some((message) => message.id === assistantId)) return;
      }
    },
    [utils],
  );

  const send = useCallback(
    async (rawText: string): Promise<boolean> => {
      const text = rawText.trim();
      if (!text || !apiKey || controller.current) return false;
      const localId = `turn-${nextLocalId.current++}`;
      const abort = new AbortController();
      controller.current = abort;
      setRefusal(null);
      setTurns((all) => [...all, startTurn(localId, conversationId, text)]);

      let turnConversation = conversationId;
      let assistantId: string | null = null;
      try {
        const end = await streamChat(
          { apiKey, message: text, conversationId, signal: abort.signal },
          {
            onMeta(meta) {
              turnConversation = meta.conversation_id;
              assistantId = meta.message_id;
              update(localId, (turn) => withMeta(turn, meta));
              if (!conversationId) {
                onChange.current(meta.conversation_id);
                void utils.conversations.list.invalidate();
              }
            },
            onDelta(delta) {
              update(localId, (turn) => withDelta(turn, delta));
            },
          },
        );
        if (end.kind === "error" && !end.error.message_id) {
          setTurns((all) => all.filter((turn) => turn.localId !== localId));
          if (!conversationId) onChange.current(null);
          setRefusal({ kind: "not-stored", message: end.error.message });
          void utils.conversations.list.invalidate();
          return false;
        }
        update(localId, (turn) => withEnd(turn, end));
        void refreshAfter(end, turnConversation, assistantId);
        return true;
      } catch (error) {
        setTurns((all) => all.filter((turn) => turn.localId !== localId));
        if (!(error instanceof ChatRequestError)) throw error;
        if (error.refusal.kind === "unauthorized") signOut("key-rejected");
        else setRefusal(error.refusal);
        return false;
      } finally {
        controller.current = null;
      }
    },
    [apiKey, conversationId, refreshAfter, setRefusal, signOut, update, utils],
  );

  const stop = useCallback(() => controller.current?.abort(), []);
  const dismissRefusal = useCallback(() => setRefused(null), []);

  const visible = turns.filter((turn) => turn.conversationId === conversationId);
  return { turns: visible, busy: turns.some(isActive), refusal, send, stop, dismissRefusal };
}
