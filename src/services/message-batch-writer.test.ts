// The message batch writer on a real PostgreSQL database: writes that arrive
// while a batch is in flight share the next transaction, a bad write fails
// alone, order is kept, and close() writes everything it accepted.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connectDatabase, type Database } from "../db.ts";
import { ServiceUnavailableError } from "../errors.ts";
import { createLogger } from "../logger.ts";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.ts";
import { createUserWithKey } from "../testing/test-users.ts";
import { MESSAGE_COLUMNS, MessageBatchWriter, type MessageWrite } from "./message-batch-writer.ts";

const log = createLogger({ level: "silent", pretty: false });

describe.skipIf(!inject("servicesAvailable"))("MessageBatchWriter", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let userId: string;

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = connectDatabase(testDatabase.url, { poolSize: 4 });
    userId = (await createUserWithKey(database.prisma)).id;
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  const newChat = (text: string): MessageWrite & { conversationId: string; messageId: string } => {
    const conversationId = randomUUID();
    const messageId = randomUUID();
    return {
      conversationId,
      messageId,
      conversation: { create: { id: conversationId, userId, title: text } },
      messages: [{ id: messageId, conversationId, role: "user", content: text }],
    };
  };

  it("writes what arrives during a batch in the next one, and resolves each write once committed", async () => {
    const writer = new MessageBatchWriter(database.pool, log);
    const chats = Array.from({ length: 30 }, (_, i) => newChat(`hello ${i}`));
    await Promise.all(chats.map((chat) => writer.write(chat)));
    // The first write goes alone; the other 29 queue behind it and go together.
    expect(writer.counters).toEqual({ batches: 2, writes: 30 });
    const stored = await database.prisma.message.findMany({ where: { id: { in: chats.map((c) => c.messageId) } }, select: { content: true } });
    expect(stored.map((m) => m.content).sort()).toEqual(chats.map((c) => c.messages[0]!.content).sort());
    expect(await database.prisma.conversation.count({ where: { id: { in: chats.map((c) => c.conversationId) } } })).toBe(30);
  });

  it("fails only the write whose conversation is gone, and commits the rest of its batch", async () => {
    const writer = new MessageBatchWriter(database.pool, log);
    const first = writer.write(newChat("opens a batch"));
    const good = newChat("fine");
    const missing = randomUUID();
    const results = await Promise.allSettled([
      writer.write(good),
      writer.write({ conversation: { touch: missing }, messages: [{ id: randomUUID(), conversationId: missing, role: "user", content: "orphan" }] }),
    ]);
    await first;
    expect(results[0].status).toBe("fulfilled");
    expect(results[1].status).toBe("rejected");
    expect(await database.prisma.message.count({ where: { id: good.messageId } })).toBe(1);
  });

  it("keeps the order in which messages were handed to it, even within one batch", async () => {
    const writer = new MessageBatchWriter(database.pool, log);
    const chat = newChat("question");
    await writer.write(chat);
    const answerId = randomUUID();
    const followUpId = randomUUID();
    const answer = writer.write({ messages: [{ id: answerId, conversationId: chat.conversationId, role: "assistant", content: "answer" }] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const followUp = writer.write({
      conversation: { touch: chat.conversationId },
      messages: [{ id: followUpId, conversationId: chat.conversationId, role: "user", content: "and then?" }],
    });
    await Promise.all([answer, followUp]);
    const ordered = await database.prisma.message.findMany({
      where: { conversationId: chat.conversationId },
      orderBy: { createdAt: "asc" },
      select: { id: true },
    });
    expect(ordered.map((m) => m.id)).toEqual([chat.messageId, answerId, followUpId]);
  });

  it("keeps a batch of long answers under its size limit", async () => {
    const chat = newChat("long answers");
    await new MessageBatchWriter(database.pool, log).write(chat);
    const writer = new MessageBatchWriter(database.pool, log);
    const longText = "x".repeat(300_000);
    const answers = Array.from({ length: 6 }, () => ({ id: randomUUID(), conversationId: chat.conversationId, role: "assistant" as const, content: longText }));
    await Promise.all(answers.map((row) => writer.write({ messages: [row] })));
    // The first goes alone (the writer was idle); the other five queue behind it,
    // 1.5 M characters split at 1 M per batch: 3 + 2. Without the limit they would be one batch.
    expect(writer.counters).toEqual({ batches: 3, writes: 6 });
    expect(await database.prisma.message.count({ where: { id: { in: answers.map((a) => a.id) } } })).toBe(6);
  });

  it("stores every field a row sets, and gives a field left out its column's default", async () => {
    const writer = new MessageBatchWriter(database.pool, log);
    const chat = newChat("all the columns");
    await writer.write(chat);
    // Text that array literals must escape, and values that must not turn into NULL.
    const tricky = ['quote " backslash \\ {braces}, comma', "NULL", "", "línea\nnueva 😀"];
    const full = {
      id: randomUUID(),
      conversationId: chat.conversationId,
      role: "assistant" as const,
      content: tricky[0]!,
      status: "incomplete" as const,
      provider: "openai",
      model: "gpt-4o-mini",
      fallback: true,
      tokensIn: 3,
      tokensOut: 4,
      preEstimatedTokens: 5,
      estimateSource: "sidecar" as const,
      latencyMs: 6,
      timeToFirstTokenMs: 7,
      costUsd: "0.0000012345",
      experimentKey: "exp",
      variant: "b",
      promptVersionId: null,
      traceId: "trace",
      errorCode: "provider_error",
      assignmentUnit: "unit",
      createdAt: new Date("2026-01-02T03:04:05.678Z"),
    };
    const bare = tricky.slice(1).map((content) => ({ id: randomUUID(), conversationId: chat.conversationId, role: "user" as const, content }));
    const before = Date.now();
    await Promise.all([writer.write({ messages: [full] }), writer.write({ messages: bare })]);

    const stored = await database.prisma.message.findUniqueOrThrow({ where: { id: full.id } });
    expect({ ...stored, costUsd: stored.costUsd?.toString() }).toEqual({ ...full, costUsd: "0.0000012345" });
    for (const row of bare) {
      const plain = await database.prisma.message.findUniqueOrThrow({ where: { id: row.id } });
      expect(plain).toMatchObject({ content: row.content, status: "complete", fallback: false, provider: null, costUsd: null });
      expect(plain.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    }
  });

  it("knows each message column's default as the migrated schema has it", async () => {
    const { rows } = await database.pool.query<{ column_name: string; column_default: string | null }>(
      "SELECT column_name, column_default FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'messages'",
    );
    const inSchema = Object.fromEntries(rows.map((row) => [row.column_name, row.column_default]));
    const written = Object.fromEntries(Object.values(MESSAGE_COLUMNS).map((spec) => [spec.column, spec.default ?? null]));
    expect(written).toEqual(inSchema);
  });

  it("keeps writing after a migration recreates an enum its prepared statement uses", async () => {
    const own = await createTestDatabase();
    const db = connectDatabase(own.url, { poolSize: 2 });
    try {
      const owner = (await createUserWithKey(db.prisma)).id;
      const writer = new MessageBatchWriter(db.pool, log);
      const chatOf = (text: string): MessageWrite & { messageId: string } => {
        const conversationId = randomUUID();
        const messageId = randomUUID();
        return { messageId, conversation: { create: { id: conversationId, userId: owner, title: text } }, messages: [{ id: messageId, conversationId, role: "user", content: text }] };
      };
      // Two connections open, so the statement is prepared on a connection the pool keeps.
      const [first, second] = await Promise.all([db.pool.connect(), db.pool.connect()]);
      first.release();
      second.release();
      await Promise.all([writer.write(chatOf("one")), writer.write(chatOf("two")), writer.write(chatOf("three"))]);
      // What Prisma's migration does to take a value out of an enum.
      await db.pool.query(`
        ALTER TYPE "MessageRole" RENAME TO "MessageRole_old";
        CREATE TYPE "MessageRole" AS ENUM ('system', 'user', 'assistant');
        ALTER TABLE messages ALTER COLUMN role TYPE "MessageRole" USING role::text::"MessageRole";
        DROP TYPE "MessageRole_old";
      `);
      const after = [chatOf("after 1"), chatOf("after 2"), chatOf("after 3")];
      for (const chat of after) await writer.write(chat);
      expect(await db.prisma.message.count({ where: { id: { in: after.map((chat) => chat.messageId) } } })).toBe(3);
    } finally {
      await db.close();
      await own.drop();
    }
  });

  it("creates a conversation with no messages", async () => {
    const writer = new MessageBatchWriter(database.pool, log);
    const id = randomUUID();
    await writer.write({ conversation: { create: { id, userId, title: "empty" } }, messages: [] });
    expect(await database.prisma.conversation.count({ where: { id } })).toBe(1);
  });

  it("writes everything accepted before close() returns, and refuses writes after it", async () => {
    const writer = new MessageBatchWriter(database.pool, log);
    const chats = Array.from({ length: 5 }, (_, i) => newChat(`late ${i}`));
    const pending = chats.map((chat) => writer.write(chat));
    await writer.close();
    await Promise.all(pending);
    expect(await database.prisma.message.count({ where: { id: { in: chats.map((c) => c.messageId) } } })).toBe(5);
    await expect(writer.write(newChat("too late"))).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
