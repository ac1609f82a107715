// GET /internal/runtime against the real server: admin only, and the figures
// the benchmarks rely on (memory, event-loop delay, in-flight chat streams).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postJson } from "../testing/http-client.ts";
import { readSse } from "../testing/sse-client.ts";
import { startTestApp, TEST_ADMIN_KEY, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";

describe.skipIf(!inject("servicesAvailable"))("GET /internal/runtime", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  const get = (query = "", headers: Record<string, string> = { "x-api-key": TEST_ADMIN_KEY }) =>
    fetch(`${app.url}/internal/runtime${query}`, { headers });

  it("answers an admin with memory, CPU, event-loop delay and in-flight streams", async () => {
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = await response.json();
    expect(body.pid).toBe(process.pid);
    expect(body.memory.heap_used).toBeGreaterThan(1_000_000);
    expect(body.memory.rss).toBeGreaterThanOrEqual(body.memory.heap_used);
    expect(body.cpu_us.user).toBeGreaterThan(0);
    expect(body.in_flight_chats).toBe(0);
    for (const key of ["min", "p50", "p99", "max", "samples"]) expect(typeof body.event_loop_delay_ms[key]).toBe("number");
    // Vitest does not run with --expose-gc, so asking for a collection says none ran.
    expect((await (await get("?gc=1")).json()).gc_ran).toBe(false);
  });

  it("refuses a user key with 403 and a missing key with 401", async () => {
    expect((await get("", { "x-api-key": TEST_USER_KEY })).status).toBe(403);
    const anonymous = await get("", {});
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe("unauthorized");
  });

  it("refuses other methods with 405", async () => {
    const response = await fetch(`${app.url}/internal/runtime`, { method: "POST", headers: { "x-api-key": TEST_ADMIN_KEY } });
    expect(response.status).toBe(405);
  });

  it("restarts the event-loop delay histogram on ?reset=1", async () => {
    // Block the loop long enough to land in the histogram, then read and reset it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const blockedUntil = Date.now() + 120;
    while (Date.now() < blockedUntil) {
      // busy on purpose
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = (await (await get("?reset=1")).json()).event_loop_delay_ms;
    expect(before.max).toBeGreaterThanOrEqual(90);
    const after = (await (await get()).json()).event_loop_delay_ms;
    expect(after.max).toBeLessThan(before.max);
  });

  it("counts garbage-collection pauses by kind, and restarts on ?reset=1", async () => {
    await get("?reset=1");
    // The server runs in this process: garbage made here is collected there.
    let kept: number[][] = [];
    for (let round = 0; round < 200; round++) kept = Array.from({ length: 10_000 }, (_, i) => [i, round]);
    expect(kept).toHaveLength(10_000);
    // Pause entries reach the observer after the collection, not during it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const pauses = (await (await get("?reset=1")).json()).gc_pauses_ms;
    expect(pauses.minor.count).toBeGreaterThan(0);
    expect(pauses.minor.max_ms).toBeGreaterThan(0);
    expect(pauses.minor.total_ms).toBeGreaterThanOrEqual(pauses.minor.max_ms);
    expect((await (await get()).json()).gc_pauses_ms.minor?.count ?? 0).toBeLessThan(pauses.minor.count);
  });

  it("counts a chat stream as in flight while it is open", async () => {
    app.upstream.reset({ chunks: 3, delayBeforeFirstMs: 400 });
    try {
      const chat = postJson(`${app.url}/chat`, { message: "hold on" }, { "x-api-key": TEST_USER_KEY });
      let seen = 0;
      for (let attempt = 0; attempt < 30 && seen === 0; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        seen = (await (await get()).json()).in_flight_chats;
      }
      expect(seen).toBe(1);
      await readSse(await chat);
      expect((await (await get()).json()).in_flight_chats).toBe(0);
    } finally {
      app.upstream.reset();
    }
  });
});
