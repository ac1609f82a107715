// Thumbs up / down under an answer. The choice shows at once, is saved with
// feedback.submit, can be changed, and comes back from history after a reload.
import { useState } from "react";
import { describeError } from "../api/api-errors.ts";
import { trpc, type Rating } from "../api/trpc.ts";

export function FeedbackButtons(props: { messageId: string; conversationId: string | null; rating: Rating | null }) {
  const utils = trpc.useUtils();
  // What the person just chose, until the stored rating catches up.
  const [chosen, setChosen] = useState<Rating | null>(null);
  const submit = trpc.feedback.submit.useMutation({
    onSuccess() {
      void utils.feedback.stats.invalidate();
      if (props.conversationId) void utils.conversations.messages.invalidate({ conversationId: props.conversationId });
    },
    onError() {
      setChosen(null);
    },
  });
  const shown = chosen ?? props.rating;

  function rate(rating: Rating) {
    if (rating === shown) return;
    setChosen(rating);
    submit.mutate({ messageId: props.messageId, rating });
  }

  return (
    <div className="feedback" role="group" aria-label="Rate this answer">
      <button
        type="button"
        className="icon-button feedback-up"
        aria-pressed={shown === 1}
        aria-label="Good answer"
        title="Good answer"
        onClick={() => rate(1)}
      >
        <span aria-hidden="true">👍</span>
      </button>
      <button
        type="button"
        className="icon-button feedback-down"
        aria-pressed={shown === -1}
        aria-label="Bad answer"
        title="Bad answer"
        onClick={() => rate(-1)}
      >
        <span aria-hidden="true">👎</span>
      </button>
      {submit.isError && (
        <span className="error-text small" role="alert">
          Rating not saved. {describeError(submit.error)}
        </span>
      )}
    </div>
  );
}
