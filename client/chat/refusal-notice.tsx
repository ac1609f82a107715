// Why a message was not sent, and when or how to send it again.
import type { ChatRefusal } from "../api/chat-request-error.ts";

function timeOfDay(date: Date): string {
  return date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

function minutesUntil(date: Date): number {
  return Math.max(1, Math.ceil((date.getTime() - Date.now()) / 60_000));
}

function SendAgainAt(props: { resetAt: Date }) {
  const minutes = minutesUntil(props.resetAt);
  const wait = minutes < 90 ? `${minutes} ${minutes === 1 ? "minute" : "minutes"}` : `${Math.round(minutes / 60)} hours`;
  return (
    <>
      You can send again at{" "}
      <time dateTime={props.resetAt.toISOString()} data-testid="rate-limit-reset">
        {timeOfDay(props.resetAt)}
      </time>{" "}
      (in {wait}). Your message is still in the box.
    </>
  );
}

function RefusalText(props: { refusal: ChatRefusal }) {
  const { refusal } = props;
  switch (refusal.kind) {
    case "rate-limited": {
      const limit = refusal.limit === null ? "your hourly limit of chats" : `your limit of ${refusal.limit} ${refusal.limit === 1 ? "chat" : "chats"} per hour`;
      return (
        <>
          <strong>Rate limit reached.</strong> You have used {limit}. <SendAgainAt resetAt={refusal.resetAt} />
        </>
      );
    }
    case "budget-exhausted":
      return (
        <>
          <strong>Daily token budget spent.</strong> <SendAgainAt resetAt={refusal.resetAt} />
        </>
      );
    case "invalid":
      return (
        <>
          <strong>Not sent.</strong> {refusal.message}
        </>
      );
    case "not-stored":
      return (
        <>
          <strong>Not sent.</strong> {refusal.message} Your message is still in the box.
        </>
      );
    case "not-found":
      return (
        <>
          <strong>Not sent.</strong> This conversation no longer exists. Start a new one.
        </>
      );
    case "unreachable":
      return (
        <>
          <strong>Not sent.</strong> Can't reach the PromptLab server. Your message is still in the box; send it again
          when the connection is back.
        </>
      );
    case "server":
      return (
        <>
          <strong>Not sent.</strong> The server had a problem (HTTP {refusal.status}). Try again in a moment.
        </>
      );
    case "unauthorized":
      return <>Your API key was not accepted.</>;
  }
}

export function RefusalNotice(props: { refusal: ChatRefusal; onDismiss(): void }) {
  return (
    <div className={`refusal ${props.refusal.kind}`} role="alert">
      <p>
        <RefusalText refusal={props.refusal} />
      </p>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={props.onDismiss}>
        ×
      </button>
    </div>
  );
}
