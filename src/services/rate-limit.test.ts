import { describe, expect, it } from "vitest";
import { MemoryStore } from "../store/memory-store.ts";
import { assertAllowed, consumeRateLimit, peekRateLimit, rateLimitHeaders, windowKey, windowResetAt } from "./rate-limit.ts";

describe("fixed window math", () => {
  it("keys a window by the UTC hour, as the seed does", () => {
    expect(windowKey("u1", new Date("2026-11-27T09:59:59.999Z"))).toBe("rate_limit:u1:2026112709");
    expect(windowKey("u1", new Date("2026-11-27T10:00:00.000Z"))).toBe("rate_limit:u1:2026112710");
    expect(windowKey("u1", new Date("2026-12-31T23:30:00Z"))).toBe("rate_limit:u1:2026123123");
  });

  it("resets at the next hour boundary, across days and years", () => {
    expect(windowResetAt(new Date("2026-11-27T09:15:00Z")).toISOString()).toBe("2026-11-27T10:00:00.000Z");
    expect(windowResetAt(new Date("2026-12-31T23:59:59Z")).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(windowResetAt(new Date("2026-11-27T10:00:00Z")).toISOString()).toBe("2026-11-27T11:00:00.000Z");
  });
});

describe("consumeRateLimit", () => {
  it("allows up to the limit, then refuses with Retry-After until the window resets", async () => {
    const store = new MemoryStore();
    const now = new Date("2026-11-27T09:45:00Z");
    for (let i = 0; i < 3; i++) expect((await consumeRateLimit(store, "u", 3, now)).allowed).toBe(true);
    const refused = await consumeRateLimit(store, "u", 3, now);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 15 * 60 });
    expect(() => assertAllowed(refused)).toThrowError(/Rate limit of 3 requests per hour/);
    expect(rateLimitHeaders(refused)).toEqual({
      "X-RateLimit-Limit": "3",
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": String(Date.parse("2026-11-27T10:00:00Z") / 1000),
    });
    // A new hour is a new window.
    expect((await consumeRateLimit(store, "u", 3, new Date("2026-11-27T10:00:01Z"))).allowed).toBe(true);
    await store.close();
  });

  it("peeks without consuming", async () => {
    const store = new MemoryStore();
    const now = new Date("2026-11-27T09:45:00Z");
    await consumeRateLimit(store, "u", 5, now);
    expect((await peekRateLimit(store, "u", 5, now)).remaining).toBe(4);
    expect((await peekRateLimit(store, "u", 5, now)).remaining).toBe(4);
    await store.close();
  });
});
