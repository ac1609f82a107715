// PostgreSQL unreachable or its pool exhausted: a bounded wait, then 503 with
// Retry-After and a clear JSON error, never a hang; /health names the failed
// dependency; service resumes without a restart. The shared server is never
// touched: a proxy the test controls sits in between.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postJson } from "../testing/http-client.ts";
import { only, readSse } from "../testing/sse-client.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";

const auth = { "x-api-key": TEST_USER_KEY };

describe.skipIf(!inject("servicesAvailable"))("database outage", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ proxyDatabase: true, env: { DATABASE_POOL_TIMEOUT_MS: "500", DATABASE_POOL_SIZE: "4" } });
  });
  afterAll(async () => {
    app?.databaseProxy?.restore();
    await app?.close();
  });

  it("answers 503 with Retry-After on every route while PostgreSQL is unreachable, then recovers", async () => {
    const before = only(await readSse(await postJson(`${app.url}/chat`, { message: "before" }, auth)), "done");
    expect(before.status).toBe("complete");
    const rated = await postJson(`${app.url}/feedback`, { message_id: before.message_id, rating: 1 }, auth);
    expect(rated.status).toBe(200);
    app.databaseProxy!.cut();
    app.runtime.deps.auth.forget();

    const started = Date.now();
    const responses = await Promise.all([
      postJson(`${app.url}/chat`, { message: "during" }, auth),
      // Not acknowledged, so nothing is promised: the client is told to retry.
      postJson(`${app.url}/feedback`, { message_id: before.message_id, rating: -1 }, auth),
      fetch(`${app.url}/feedback/stats`, { headers: auth }),
      fetch(`${app.url}/trpc/conversations.list`, { headers: auth }),
    ]);
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const response of responses) {
      expect(response.status).toBe(503);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(await responses[2]!.json()).toEqual({
      error: { code: "service_unavailable", message: "The database is unavailable; try again shortly." },
    });

    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: "unavailable", checks: { database: "down" } });

    app.databaseProxy!.restore();
    await expect.poll(async () => (await fetch(`${app.url}/health`)).status, { timeout: 10_000, interval: 200 }).toBe(200);
    expect(only(await readSse(await postJson(`${app.url}/chat`, { message: "after" }, auth)), "done").status).toBe("complete");
    // The rating acknowledged before the outage is intact; the refused change did not land.
    const stored = await app.runtime.deps.db.feedback.findMany({ where: { messageId: before.message_id as string } });
    expect(stored.map((row) => row.rating)).toEqual([1]);
  });

  it("answers 503 after a bounded wait when the pool is exhausted", async () => {
    const held = await Promise.all(Array.from({ length: 4 }, () => app.runtime.deps.database.pool.connect()));
    try {
      app.runtime.deps.auth.forget();
      const started = Date.now();
      const response = await fetch(`${app.url}/feedback/stats`, { headers: auth });
      const waited = Date.now() - started;
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(waited).toBeGreaterThanOrEqual(450);
      expect(waited).toBeLessThan(3_000);
    } finally {
      for (const client of held) client.release();
    }
    expect((await fetch(`${app.url}/feedback/stats`, { headers: auth })).status).toBe(200);
  });

  it("aborts the provider call it started when the user's turn cannot be stored", async () => {
    // The provider call starts while the turn is being stored; a failed write must not leave it running.
    expect(only(await readSse(await postJson(`${app.url}/chat`, { message: "warm the key cache" }, auth)), "done").status).toBe("complete");
    app.upstream.reset({ delayBeforeFirstMs: 3_000 });
    app.databaseProxy!.cut();
    try {
      const response = await postJson(`${app.url}/chat`, { message: "cannot be stored" }, auth);
      expect(response.status).toBe(503);
      expect(app.upstream.requests).toHaveLength(1);
      expect(await app.upstream.requests[0]!.aborted).toBe(true);
    } finally {
      app.databaseProxy!.restore();
    }
    await expect.poll(async () => (await fetch(`${app.url}/health`)).status, { timeout: 10_000, interval: 200 }).toBe(200);
    const stored = await app.runtime.deps.db.message.count({ where: { content: "cannot be stored" } });
    expect(stored).toBe(0);
  });
});
