// The signed-in person's conversations, newest first, and a way to start one.
import { describeError } from "../api/api-errors.ts";
import { trpc } from "../api/trpc.ts";
import { Link } from "../router/link.tsx";
import { paths } from "../router/routes.ts";

const dateFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

export function ConversationList(props: { currentId: string | null; onPick?: () => void }) {
  const conversations = trpc.conversations.list.useQuery();
  return (
    <nav className="conversations" aria-label="Conversations">
      <Link href={paths.newChat} className="button new-chat" onClick={props.onPick} aria-current={props.currentId === null ? "page" : undefined}>
        + New conversation
      </Link>
      {conversations.isPending && <p className="muted small pad">Loading…</p>}
      {conversations.isError && <p className="error-text small pad">{describeError(conversations.error)}</p>}
      {conversations.data?.length === 0 && <p className="muted small pad">No conversations yet.</p>}
      <ul>
        {conversations.data?.map((conversation) => (
          <li key={conversation.id}>
            <Link
              href={paths.conversation(conversation.id)}
              className="conversation-link"
              aria-current={conversation.id === props.currentId ? "page" : undefined}
              onClick={props.onPick}
            >
              <span className="conversation-title">{conversation.title || "Untitled conversation"}</span>
              <span className="conversation-date">{dateFormat.format(new Date(conversation.updatedAt))}</span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
