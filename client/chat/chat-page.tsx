// The chat screen: conversations on the side (a drawer on phones), the
// selected conversation's history plus any live answer, and the message box.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { describeError, httpStatusOf } from "../api/api-errors.ts";
import { trpc } from "../api/trpc.ts";
import { navigate } from "../router/history-location.ts";
import { paths } from "../router/routes.ts";
import { buildChatItems } from "./chat-item.ts";
import { Composer } from "./composer.tsx";
import { ConversationList } from "./conversation-list.tsx";
import { MessageThread } from "./message-thread.tsx";
import { RefusalNotice } from "./refusal-notice.tsx";
import { useChatSession } from "./use-chat-session.ts";
import type { LiveTurn } from "./live-turn.ts";

function usePromptVersionNumbers(): ReadonlyMap<string, number> {
  const experiments = trpc.experiments.list.useQuery();
  return useMemo(() => {
    const numbers = new Map<string, number>();
    for (const experiment of experiments.data ?? []) {
      for (const variant of experiment.variants) {
        if (variant.activeVersion) numbers.set(variant.activeVersion.id, variant.activeVersion.version);
      }
    }
    return numbers;
  }, [experiments.data]);
}

const STATUS_TEXT: Partial<Record<LiveTurn["phase"], string>> = {
  complete: "Answer complete.",
  incomplete: "Answer stopped; the partial answer was kept.",
  error: "The answer failed.",
};

function EmptyConversation() {
  return (
    <div className="empty-state">
      <h2>Start a conversation</h2>
      <p className="muted">
        Each answer comes from one variant of a live prompt experiment and shows its tokens, latency and cost. Rate answers
        with 👍 or 👎: those ratings decide which prompt wins.
      </p>
    </div>
  );
}

export function ChatPage(props: { conversationId: string | null; isAdmin: boolean }) {
  const { conversationId } = props;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const drawer = useRef<HTMLElement>(null);
  const drawerToggle = useRef<HTMLButtonElement>(null);
  const history = trpc.conversations.messages.useQuery(
    { conversationId: conversationId ?? "" },
    { enabled: conversationId !== null },
  );
  const versionNumbers = usePromptVersionNumbers();
  const session = useChatSession(conversationId, (id) => navigate(id ? paths.conversation(id) : paths.newChat, { replace: true }));
  const items = useMemo(
    () => buildChatItems(conversationId ? history.data?.messages : [], session.turns, versionNumbers),
    [conversationId, history.data, session.turns, versionNumbers],
  );
  const lastTurn = session.turns.at(-1);

  // On phones the list is a drawer: opening it moves focus in, Escape closes it and returns focus.
  useEffect(() => {
    if (drawerOpen) drawer.current?.querySelector<HTMLElement>("a")?.focus();
  }, [drawerOpen]);
  function onDrawerKeyDown(event: KeyboardEvent) {
    if (event.key !== "Escape" || !drawerOpen) return;
    setDrawerOpen(false);
    drawerToggle.current?.focus();
  }
  const missing = conversationId !== null && history.isError && httpStatusOf(history.error) === 404;

  return (
    <div className="chat-page">
      <aside className={`chat-sidebar${drawerOpen ? " open" : ""}`} id="conversation-drawer" ref={drawer} onKeyDown={onDrawerKeyDown}>
        <ConversationList currentId={conversationId} onPick={() => setDrawerOpen(false)} />
      </aside>
      {drawerOpen && <div className="drawer-backdrop" onClick={() => setDrawerOpen(false)} aria-hidden="true" />}
      <section className="chat-main" aria-label="Conversation">
        <div className="chat-toolbar">
          <button
            type="button"
            ref={drawerToggle}
            className="button small drawer-toggle"
            aria-expanded={drawerOpen}
            aria-controls="conversation-drawer"
            onClick={() => setDrawerOpen((open) => !open)}
          >
            ☰ Conversations
          </button>
          <h1 className="chat-title">{conversationId ? (history.data?.title ?? "Conversation") : "New conversation"}</h1>
        </div>
        {conversationId && history.isPending && items.length === 0 && <p className="muted pad center">Loading conversation…</p>}
        {missing && <p className="error-text pad center">This conversation does not exist, or it belongs to someone else.</p>}
        {history.isError && !missing && <p className="error-text pad center">{describeError(history.error)}</p>}
        <MessageThread
          items={items}
          conversationId={conversationId}
          isAdmin={props.isAdmin}
          onRetry={session.busy ? null : (text) => void session.send(text)}
          empty={conversationId ? null : <EmptyConversation />}
        />
        <p className="visually-hidden" role="status">
          {lastTurn ? (STATUS_TEXT[lastTurn.phase] ?? "") : ""}
        </p>
        {session.refusal && <RefusalNotice refusal={session.refusal} onDismiss={session.dismissRefusal} />}
        <Composer busy={session.busy} onSend={session.send} onStop={session.stop} focusKey={conversationId ?? "new"} />
      </section>
    </div>
  );
}
