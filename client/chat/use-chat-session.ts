// Sending, streaming, stopping and retrying chats. Live turns are kept per tab
// and shown until stored history contains them; a refusal before streaming
// (rate limit, bad input, unreachable server) hands the text back unsent.
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
  onConversationCreated: (conversationId: string) => void,
): ChatSession {
  const { apiKey, signOut } = useAuth();
  const utils = trpc.useUtils();
  const [turns, setTurns] = useState<LiveTurn[]>([]);
  const [refusal, setRefusal] = useState<ChatSession["refusal"]>(null);
  const controller = useRef<AbortController | null>(null);
  const nextLocalId = useRef(0);
  const onCreated = useRef(onConversationCreated);
  useEffect(() => {
    onCreated.current = onConversationCreated;
  });

  // A refusal belongs to the conversation it happened in.
  useEffect(() => setRefusal(null), [conversationId]);

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
                onCreated.current(meta.conversation_id);
                void utils.conversations.list.invalidate();
              }
            },
            onDelta(delta) {
              update(localId, (turn) => withDelta(turn, delta));
            },
          },
        );
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
    [apiKey, conversationId, refreshAfter, signOut, update, utils],
  );

  const stop = useCallback(() => controller.current?.abort(), []);
  const dismissRefusal = useCallback(() => setRefusal(null), []);

  const visible = turns.filter((turn) => turn.conversationId === conversationId);
  return { turns: visible, busy: turns.some(isActive), refusal, send, stop, dismissRefusal };
}
