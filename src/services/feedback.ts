// Thumbs up / down on an assistant message: one rating per message per user,
// changeable. Another user's message answers 404, exactly like a missing one,
// so ids cannot be probed for existence.
import { z } from "zod";
import type { Db } from "../db.ts";
import { NotFoundError } from "../errors.ts";

export const ratingSchema = z.union([z.literal(1), z.literal(-1)], {
  error: "rating must be 1 (thumbs up) or -1 (thumbs down)",
});

export interface FeedbackResult {
  message_id: string;
  rating: 1 | -1;
  status: "created" | "updated" | "unchanged";
}

export async function submitFeedback(
  db: Db,
  userId: string,
  messageId: string,
  rating: 1 | -1,
): Promise<FeedbackResult> {
  const message = await db.message.findFirst({
    where: { id: messageId, role: "assistant", conversation: { userId } },
    select: { id: true, feedback: { where: { userId }, select: { rating: true } } },
  });
  if (!message) throw new NotFoundError("No such message.");
  const previous = message.feedback[0]?.rating;
  if (previous === rating) return { message_id: messageId, rating, status: "unchanged" };
  await db.feedback.upsert({
    where: { messageId_userId: { messageId, userId } },
    create: { messageId, userId, rating },
    update: { rating },
  });
  return { message_id: messageId, rating, status: previous === undefined ? "created" : "updated" };
}
