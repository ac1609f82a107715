// Many users, each with an API key and assistant messages to rate, created
// straight in the database in a few statements: feedback load tests need
// thousands of ratable answers without running thousands of chats.
import { randomUUID } from "node:crypto";
import type { Db } from "../db.ts";
import { createUserWithKey } from "./test-users.ts";

export interface RatableMessage {
  userId: string;
  apiKey: string;
  messageId: string;
}

export async function createRatableMessages(
  db: Db,
  options: { users: number; messagesPerUser: number; experimentKey?: string; variant?: string },
): Promise<RatableMessage[]> {
  const result: RatableMessage[] = [];
  for (let u = 0; u < options.users; u++) {
    const user = await createUserWithKey(db, { name: `Rater ${u}` });
    const conversation = await db.conversation.create({ data: { userId: user.id, title: "ratings" }, select: { id: true } });
    const ids = Array.from({ length: options.messagesPerUser }, () => randomUUID());
    await db.message.createMany({
      data: ids.map((id) => ({
        id,
        conversationId: conversation.id,
        role: "assistant" as const,
        content: "an answer",
        experimentKey: options.experimentKey ?? null,
        variant: options.variant ?? null,
      })),
    });
    for (const messageId of ids) result.push({ userId: user.id, apiKey: user.key, messageId });
  }
  return result;
}
