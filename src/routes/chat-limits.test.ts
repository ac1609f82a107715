// Resource limits on the chat route: daily token budgets, the max_tokens cap,
// per-user sliding windows, CORS, and serving on with Redis gone.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postJson } from "../testing/http-client.ts";
import { only, readSse } from "../testing/sse-client.ts";
import { startPrivateRedis, type PrivateRedis } from "../testing/private-redis.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";
import { createUserWithKey } from "../testing/test-users.ts";

describe.skipIf(!inject("servicesAvailable"))("chat limits", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { MAX_OUTPUT_TOKENS: "100", CORS_ORIGINS: "https://app.example", MAX_HISTORY_MESSAGES: "4" } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("refuses with 429 budget_exhausted once a user's daily token budget is spent", async () => {
    const user = await createUserWithKey(app.runtime.deps.db);
    await app.runtime.deps.db.user.update({ where: { id: user.id }, data: { dailyTokenBudget: 30 } });
    const chat = () => postJson(`${app.url}/chat`, { message: "spend" }, { "x-api-key": user.key });
    // Each answer costs 21 + 5 = 26 tokens: the first two start under budget.
    for (let i = 0; i < 2; i++) expect(only(await readSse(await chat()), "done").total_tokens).toBe(26);
    const refused = await chat();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("budget_exhausted");
    expect(body.error.message).toContain("Daily token budget of 30 tokens");
  });

  it("sends at most MAX_HISTORY_MESSAGES earlier turns upstream", async () => {
    const auth = { "x-api-key": TEST_USER_KEY };
    const first = only(await readSse(await postJson(`${app.url}/chat`, { message: "turn 1" }, auth)), "meta");
    const conversation_id = first.conversation_id as string;
    for (const message of ["turn 2", "turn 3", "turn 4"]) {
      await readSse(await postJson(`${app.url}/chat`, { message, conversation_id }, auth));
    }
    // Before "turn 4", six earlier turns exist; the cap of 4 keeps turn 2 onwards.
    const sent = app.upstream.requests.at(-1)!.body.messages;
    expect(sent.map((m) => m.role)).toEqual(["system", "user", "assistant", "user", "assistant", "user"]);
    expect(sent.map((m) => m.content).filter((c) => c.startsWith("turn"))).toEqual(["turn 2", "turn 3", "turn 4"]);
  });

  it("caps max_tokens sent upstream", async () => {
    await readSse(await postJson(`${app.url}/chat`, { message: "cap" }, { "x-api-key": TEST_USER_KEY }));
    expect(app.upstream.requests.at(-1)!.body.max_tokens).toBe(100);
  });

  it("applies a per-user sliding window", async () => {
    const user = await createUserWithKey(app.runtime.deps.db, { rateLimitPerHour: 2 });
    await app.runtime.deps.db.user.update({ where: { id: user.id }, data: { rateLimitAlgorithm: "sliding_window" } });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const response = await postJson(`${app.url}/chat`, { message: `s${i}` }, { "x-api-key": user.key });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses).toEqual([200, 200, 429]);
  });

  it("answers CORS only for allowed origins", async () => {
    const allowed = await fetch(`${app.url}/chat`, { method: "OPTIONS", headers: { origin: "https://app.example" } });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    const denied = await fetch(`${app.url}/chat`, { method: "OPTIONS", headers: { origin: "https://evil.example" } });
    expect(denied.status).toBe(403);
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe.skipIf(!inject("servicesAvailable"))("chat with Redis down", () => {
  let app: TestApp;
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    app = await startTestApp({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await app?.close().catch(() => {});
    await redis?.stop();
  });

  it("keeps serving chats, reports degraded health, and recovers when Redis returns", async () => {
    await redis.stop();
    const response = await postJson(`${app.url}/chat`, { message: "still there?" }, { "x-api-key": TEST_USER_KEY });
    expect(response.status).toBe(200);
    expect(only(await readSse(response), "done").status).toBe("complete");

    const degraded = await fetch(`${app.url}/health`);
    expect(degraded.status).toBe(200);
    expect(await degraded.json()).toMatchObject({
      status: "degraded",
      checks: { database: "ok", store: { kind: "redis", status: "down" }, rate_limiter: "in-process fallback" },
    });

    await redis.start();
    await expect
      .poll(async () => ((await (await fetch(`${app.url}/health`)).json()) as { status: string }).status, { timeout: 10_000, interval: 200 })
      .toBe("ok");
  });
});
