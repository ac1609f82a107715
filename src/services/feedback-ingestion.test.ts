// Feedback through the real server: a burst of 5,000 ratings sent over about one
// second is fully persisted, none lost, none duplicated; both transports
// (REST POST /feedback and tRPC feedback.submit) go through the batch writer;
// re-submitting is idempotent and changing a rating updates it.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRatableMessages, type RatableMessage } from "../testing/ratable-messages.ts";
import { createRatingClient, type RatingResponse } from "../testing/rating-client.ts";
import { startTestApp, type TestApp } from "../testing/test-app.ts";
import { callerFor } from "../testing/trpc-caller.ts";

const BURST = 5_000;
const BURST_WINDOW_MS = 1_000;
const TICK_MS = 20;

const ratingFor = (index: number): 1 | -1 => (index % 4 === 0 ? -1 : 1);

describe.skipIf(!inject("servicesAvailable"))("feedback ingestion", () => {
  let app: TestApp;
  let messages: RatableMessage[];
  beforeAll(async () => {
    app = await startTestApp();
    messages = await createRatableMessages(app.runtime.deps.db, { users: 50, messagesPerUser: 110 });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it("persists a burst of 5,000 ratings sent within one second: every one acknowledged, stored once, with its value", async () => {
    const burst = messages.slice(0, BURST);
    const client = createRatingClient(app.url, 128);
    const writer = app.runtime.deps.feedbackWriter;
    const before = { ...writer.counters };
    const responses: Array<Promise<RatingResponse>> = [];
    const perTick = BURST / (BURST_WINDOW_MS / TICK_MS);
    const started = Date.now();
    for (let sent = 0; sent < BURST; ) {
      for (let i = 0; i < perTick && sent < BURST; i++, sent++) {
        const m = burst[sent]!;
        responses.push(client.send(m.apiKey, m.messageId, ratingFor(sent)));
      }
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    const sendWindowMs = Date.now() - started;
    const answered = await Promise.all(responses);
    await client.close();

    expect(sendWindowMs).toBeLessThan(2 * BURST_WINDOW_MS);
    expect(answered.filter((r) => r.status !== 200)).toEqual([]);
    const db = app.runtime.deps.db;
    const ids = burst.map((m) => m.messageId);
    const [counts] = await db.$queryRaw<Array<{ rows: number; distinct: number }>>`
      SELECT count(*)::int AS rows, count(DISTINCT (message_id, user_id))::int AS distinct
        FROM feedback WHERE message_id = ANY(${ids}::uuid[])`;
    expect(counts).toEqual({ rows: BURST, distinct: BURST });
    const stored = new Map(
      (await db.feedback.findMany({ where: { messageId: { in: ids } }, select: { messageId: true, rating: true } })).map((row) => [
        row.messageId,
        row.rating,
      ]),
    );
    expect(burst.filter((m, i) => stored.get(m.messageId) !== ratingFor(i))).toEqual([]);
    // Written in batches, not one statement per rating.
    expect(writer.counters.ratings - before.ratings).toBe(BURST);
    expect(writer.counters.batches - before.batches).toBeLessThan(BURST / 2);
  }, 60_000);

  it("sends tRPC feedback.submit through the same batch writer", async () => {
    const m = messages[BURST]!;
    const writer = app.runtime.deps.feedbackWriter;
    const before = writer.counters.ratings;
    const caller = callerFor(app.runtime.deps, m.apiKey);
    expect(await caller.feedback.submit({ messageId: m.messageId, rating: -1 })).toMatchObject({ status: "created" });
    expect(writer.counters.ratings).toBe(before + 1);
  });

  it("treats a re-submission as idempotent and a change as an update, over both transports", async () => {
    const m = messages[BURST + 1]!;
    const client = createRatingClient(app.url, 4);
    const caller = callerFor(app.runtime.deps, m.apiKey);
    const rest = async (rating: 1 | -1) => JSON.parse((await client.send(m.apiKey, m.messageId, rating)).body).status;
    expect(await rest(1)).toBe("created");
    expect((await caller.feedback.submit({ messageId: m.messageId, rating: 1 })).status).toBe("unchanged");
    expect(await rest(1)).toBe("unchanged");
    expect((await caller.feedback.submit({ messageId: m.messageId, rating: -1 })).status).toBe("updated");
    await client.close();
    const rows = await app.runtime.deps.db.feedback.findMany({ where: { messageId: m.messageId } });
    expect(rows.map((row) => row.rating)).toEqual([-1]);
  });

  it("keeps the last of many rapid changes to one rating", async () => {
    const m = messages[BURST + 2]!;
    const client = createRatingClient(app.url, 1);
    const ratings: Array<1 | -1> = [1, -1, -1, 1, -1, 1, 1, -1];
    // One connection: requests reach the server in order, as one user's clicks would.
    const answers = await Promise.all(ratings.map((rating) => client.send(m.apiKey, m.messageId, rating)));
    await client.close();
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const rows = await app.runtime.deps.db.feedback.findMany({ where: { messageId: m.messageId } });
    expect(rows.map((row) => row.rating)).toEqual([-1]);
  });

  it("still answers 404 for someone else's message, before anything is written", async () => {
    const [mine, theirs] = [messages[BURST + 3]!, messages.find((m) => m.userId !== messages[BURST + 3]!.userId)!];
    const client = createRatingClient(app.url, 1);
    const response = await client.send(mine.apiKey, theirs.messageId, 1);
    await client.close();
    expect(response.status).toBe(404);
    expect(await app.runtime.deps.db.feedback.count({ where: { messageId: theirs.messageId, userId: mine.userId } })).toBe(0);
  });
});
