// Thumbs up / down on an assistant message: one rating per message per user,
// changeable. Another user's message answers 404, exactly like a missing one,
// so ids cannot be probed for existence. The rating is acknowledged only once
// it is committed, with its ownership checked in the same statement (see
// feedback-batch-writer.ts for why and how ratings are batched).
import { z } from "zod";
import type { Logger } from "../logger.ts";
import type { FeedbackBatchWriter } from "./feedback-batch-writer.ts";

export const ratingSchema = z.union([z.literal(1), z.literal(-1)], {
  error: "rating must be 1 (thumbs up) or -1 (thumbs down)",
});

export interface FeedbackResult {
  message_id: string;
  rating: 1 | -1;
  status: "created" | "updated" | "unchanged";
}

export interface FeedbackDeps {
  feedbackWriter: FeedbackBatchWriter;
  /** A changed rating may breach a canary's approval guardrail: check soon. */
  guardrails: { requestRun(): void };
}

/** The one path for a rating, whichever transport it came by (REST or tRPC). */
export async function submitFeedback(
  deps: FeedbackDeps,
  log: Logger,
  userId: string,
  messageId: string,
  rating: 1 | -1,
): Promise<FeedbackResult> {
  // Written even when unchanged: the upsert is idempotent, and writing means the
  // acknowledged rating is the stored one whatever raced with it.
  const { previous } = await deps.feedbackWriter.write({ messageId, userId, rating });
  const status = previous === null ? "created" : previous === rating ? "unchanged" : "updated";
  // Debug, not info: at thousands of ratings a second a line each would cost more than the rating.
  log.debug({ user_id: userId, message_id: messageId, rating, status }, "feedback recorded");
  if (status !== "unchanged") deps.guardrails.requestRun();
  return { message_id: messageId, rating, status };
}
