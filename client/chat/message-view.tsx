// One message: the user's question, or an answer with its state (streaming,
// stopped, failed), metrics row, variant badge and feedback buttons, and for
// admins a link to the exact prompt behind it.
import { Link } from "../router/link.tsx";
import { paths } from "../router/routes.ts";
import type { ChatItem } from "./chat-item.ts";
import { FeedbackButtons } from "./feedback-buttons.tsx";
import { MetricsRow } from "./metrics-row.tsx";
import { SimulatorTag, VariantBadge } from "./variant-badge.tsx";

interface MessageViewProps {
  item: ChatItem;
  conversationId: string | null;
  isAdmin: boolean;
  /** Offered on failed answers; absent while another answer streams. */
  onRetry: ((text: string) => void) | null;
}

function UserMessage(props: { item: ChatItem }) {
  return (
    <article className="message user" aria-label="Your message" data-message-id={props.item.messageId ?? undefined}>
      <div className="message-text">{props.item.content}</div>
    </article>
  );
}

function AnswerState(props: { item: ChatItem; onRetry: MessageViewProps["onRetry"] }) {
  const { item, onRetry } = props;
  if (item.state === "incomplete") {
    return (
      <p className="answer-note" data-testid="incomplete-note">
        <span className="status-pill warn">Incomplete</span> Stopped before the end; the partial answer above was kept.
      </p>
    );
  }
  if (item.state !== "error") return null;
  return (
    <div className="answer-error" role="alert">
      <p>
        <strong>Answer interrupted.</strong> {item.errorText}
        {item.content ? " The partial answer above was kept." : ""}
      </p>
      {onRetry && item.retryText !== null && (
        <button type="button" className="button small" onClick={() => onRetry(item.retryText ?? "")}>
          Retry
        </button>
      )}
    </div>
  );
}

function AssistantMessage(props: MessageViewProps) {
  const { item } = props;
  const streaming = item.state === "waiting" || item.state === "streaming";
  return (
    <article
      className="message assistant"
      aria-label="Answer"
      aria-busy={streaming}
      data-state={item.state}
      data-message-id={item.messageId ?? undefined}
    >
      <div className="message-text" data-testid="answer-text">
        {item.content}
        {streaming && <span className="typing" aria-label={item.content ? "Still answering" : "Waiting for the answer"} />}
      </div>
      <AnswerState item={item} onRetry={props.onRetry} />
      {!streaming && (
        <footer className="message-footer">
          {item.metrics && <MetricsRow metrics={item.metrics} />}
          <div className="message-actions">
            {item.provider === "simulator" && <SimulatorTag />}
            {item.variant && <VariantBadge variant={item.variant} promptVersion={item.promptVersion} model={item.model} />}
            {props.isAdmin && item.ratable && item.messageId && (
              <Link href={paths.adminMessage(item.messageId)} className="provenance-link small">
                Why this answer?
              </Link>
            )}
            {item.ratable && item.messageId && (
              <FeedbackButtons messageId={item.messageId} conversationId={props.conversationId} rating={item.rating} />
            )}
          </div>
        </footer>
      )}
    </article>
  );
}

export function MessageView(props: MessageViewProps) {
  return props.item.role === "user" ? <UserMessage item={props.item} /> : <AssistantMessage {...props} />;
}
