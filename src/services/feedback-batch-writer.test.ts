// The group-commit writer against a real PostgreSQL: batching, last write wins,
// ownership, ratings whose message vanished, failures that must not be
// acknowledged, and the flush on close.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connectDatabase, type Database } from "../db.ts";
import { NotFoundError, ServiceUnavailableError } from "../errors.ts";
import { createLogger } from "../logger.ts";
import { createRatableMessages, type RatableMessage } from "../testing/ratable-messages.ts";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.ts";
import { FeedbackBatchWriter } from "./feedback-batch-writer.ts";

const log = createLogger({ level: "silent", pretty: false });

describe.skipIf(!inject("servicesAvailable"))("FeedbackBatchWriter", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let messages: RatableMessage[];
  let next = 0;
  const take = (count: number) => {
    const slice = messages.slice(next, next + count);
    next += count;
    if (slice.length < count) throw new Error("not enough seeded messages");
    return slice;
  };
  const rowsFor = (slice: RatableMessage[]) =>
    database.prisma.feedback.findMany({ where: { messageId: { in: slice.map((m) => m.messageId) } } });

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = connectDatabase(testDatabase.url, { poolSize: 5 });
    messages = await createRatableMessages(database.prisma, { users: 4, messagesPerUser: 700 });
  });
  afterAll(async () => {
    await database?.close();
    await testDatabase?.drop();
  });

  it("writes concurrent ratings in batches of at most 100, acknowledging each only after its batch commits", async () => {
    const writer = new FeedbackBatchWriter(database.pool, log);
    const slice = take(1_000);
    const acknowledged: string[] = [];
    await Promise.all(
      slice.map(async (m, i) => {
        await writer.write({ messageId: m.messageId, userId: m.userId, rating: i % 3 === 0 ? -1 : 1 });
        // At acknowledgement the row must already be readable.
        const row = await database.prisma.feedback.findUnique({ where: { messageId_userId: { messageId: m.messageId, userId: m.userId } } });
        if (row?.rating === (i % 3 === 0 ? -1 : 1)) acknowledged.push(m.messageId);
      }),
    );
    expect(acknowledged).toHaveLength(1_000);
    // The first rating starts a batch alone; the 999 queued behind it fill ten more.
    expect(writer.counters).toEqual({ batches: 11, ratings: 1_000 });
    expect(await rowsFor(slice)).toHaveLength(1_000);
  });

  it("keeps the last rating when one is changed repeatedly, within a batch and across batches", async () => {
    const writer = new FeedbackBatchWriter(database.pool, log, 3);
    const [m] = take(1);
    const ratings: Array<1 | -1> = [1, -1, 1, -1, -1, 1, -1];
    await Promise.all(ratings.map((rating) => writer.write({ messageId: m!.messageId, userId: m!.userId, rating })));
    const rows = await rowsFor([m!]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.rating).toBe(-1);
  });

  it("is idempotent: the same rating twice leaves one row and keeps its updated_at", async () => {
    const writer = new FeedbackBatchWriter(database.pool, log);
    const [m] = take(1);
    await writer.write({ messageId: m!.messageId, userId: m!.userId, rating: 1 });
    const [first] = await rowsFor([m!]);
    await writer.write({ messageId: m!.messageId, userId: m!.userId, rating: 1 });
    const rows = await rowsFor([m!]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.updatedAt).toEqual(first!.updatedAt);
  });

  it("accepts a message id in upper case, as the UUID it is", async () => {
    const writer = new FeedbackBatchWriter(database.pool, log);
    const [m] = take(1);
    const outcome = await writer.write({ messageId: m!.messageId.toUpperCase(), userId: m!.userId, rating: -1 });
    expect(outcome).toMatchObject({ previous: null });
    expect((await rowsFor([m!])).map((row) => row.rating)).toEqual([-1]);
  });

  it("reports what each write replaced, in arrival order, even within one batch", async () => {
    const writer = new FeedbackBatchWriter(database.pool, log);
    const [m] = take(1);
    const write = (rating: 1 | -1) => writer.write({ messageId: m!.messageId, userId: m!.userId, rating });
    expect(await write(1)).toEqual({ previous: null });
    // Queued together behind nothing: the first starts a batch alone, the other two share the next.
    const outcomes = await Promise.all([write(-1), write(-1), write(1)]);
    expect(outcomes).toEqual([{ previous: 1 }, { previous: -1 }, { previous: -1 }]);
  });

  it("rejects with NotFound a rating on another user's message or on a user turn, writing nothing", async () => {
    const writer = new FeedbackBatchWriter(database.pool, log);
    const [mine] = take(1);
    const theirs = messages.find((m) => m.userId !== mine!.userId)!;
    await expect(writer.write({ messageId: theirs.messageId, userId: mine!.userId, rating: 1 })).rejects.toBeInstanceOf(NotFoundError);
    const userTurn = await database.prisma.message.update({ where: { id: mine!.messageId }, data: { role: "user" } });
    await expect(writer.write({ messageId: userTurn.id, userId: mine!.userId, rating: 1 })).rejects.toBeInstanceOf(NotFoundError);
    expect(await database.prisma.feedback.count({ where: { userId: mine!.userId, messageId: { in: [theirs.messageId, userTurn.id] } } })).toBe(0);
  });

  it("rejects with NotFound a rating whose message was deleted, without failing the rest of its batch", async () => {
    const writer = new FeedbackBatchWriter(database.pool, log);
    const slice = take(3);
    await database.prisma.message.delete({ where: { id: slice[1]!.messageId } });
    const results = await Promise.allSettled(slice.map((m) => writer.write({ messageId: m.messageId, userId: m.userId, rating: 1 })));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(NotFoundError);
    expect(await rowsFor(slice)).toHaveLength(2);
  });

  it("flushes every accepted rating on close, then refuses new ones with 503", async () => {
    const writer = new FeedbackBatchWriter(database.pool, log);
    const slice = take(300);
    const writes = slice.map((m) => writer.write({ messageId: m.messageId, userId: m.userId, rating: 1 }));
    await writer.close();
    expect(await rowsFor(slice)).toHaveLength(300);
    await expect(Promise.all(writes)).resolves.toHaveLength(300);
    const [late] = take(1);
    await expect(writer.write({ messageId: late!.messageId, userId: late!.userId, rating: 1 })).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
  });

  it("does not acknowledge ratings whose batch failed", async () => {
    const broken = connectDatabase(testDatabase.url, { poolSize: 1 });
    await broken.close();
    const writer = new FeedbackBatchWriter(broken.pool, log);
    const slice = take(5);
    const results = await Promise.allSettled(slice.map((m) => writer.write({ messageId: m.messageId, userId: m.userId, rating: 1 })));
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(await rowsFor(slice)).toHaveLength(0);
  });
});
