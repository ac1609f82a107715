// Leased fixed windows against real Redis, with two limiters on their own
// connections standing in for two server instances.
import { afterAll, describe, expect, inject, it } from "vitest";
import { createLogger } from "../logger.ts";
import { MemoryStore } from "../store/memory-store.ts";
import { RedisStore } from "../store/redis-store.ts";
import type { Store } from "../store/store.ts";
import { deleteRedisKeys } from "../testing/redis-keys.ts";
import { TEST_REDIS_URL, uniqueSuffix } from "../testing/test-services.ts";
import { windowKey } from "./rate-limit.ts";
import { RateLimiter } from "./rate-limiter.ts";

const log = createLogger({ level: "silent", pretty: false });
const prefix = `promptlab_test:${uniqueSuffix()}:`;
const fixed = (id: string, limit: number) => ({ id, rateLimitPerHour: limit, rateLimitAlgorithm: "fixed_window" as const });
const at = (iso: string) => new Date(iso);

/** A Redis store that counts the claims it sends. */
function countingStore(): { store: Store; claims: () => number } {
  const store = RedisStore.connect(TEST_REDIS_URL, prefix);
  let claims = 0;
  const claimUpTo = store.claimUpTo.bind(store);
  store.claimUpTo = (...args) => {
    claims++;
    return claimUpTo(...args);
  };
  return { store, claims: () => claims };
}

/**
 * A counting Redis store whose claims take longer, like a store under load:
 * `delayMs` for each claim (by its index), and the claims `failing` says fail.
 */
function slowStore(delayMs: number | ((claim: number) => number), failing: (claim: number) => boolean = () => false): { store: Store; claims: () => number } {
  const store = RedisStore.connect(TEST_REDIS_URL, prefix);
  const claimUpTo = store.claimUpTo.bind(store);
  let claims = 0;
  store.claimUpTo = async (...args) => {
    const claim = claims++;
    await new Promise((resolve) => setTimeout(resolve, typeof delayMs === "number" ? delayMs : delayMs(claim)));
    if (failing(claim)) throw new Error(`claim ${claim} failed`);
    return claimUpTo(...args);
  };
  return { store, claims: () => claims };
}

async function counter(store: Store, userId: string, now: Date): Promise<number> {
  return Number((await store.get(windowKey(userId, now))) ?? 0);
}

describe.skipIf(!inject("servicesAvailable"))("QuotaLeases through RateLimiter", () => {
  afterAll(async () => {
    await deleteRedisKeys(TEST_REDIS_URL, prefix);
  });

  it("counts a user at a human pace one chat at a time, so the counter is exact", async () => {
    const { store, claims } = countingStore();
    const limiter = new RateLimiter(store, 100, "fallback", log);
    const user = fixed(`paced-${uniqueSuffix()}`, 1_000);
    try {
      for (let i = 0; i < 10; i++) {
        const decision = await limiter.consume(user, new Date(Date.parse("2026-11-29T10:00:00Z") + i * 2_000));
        expect(decision).toMatchObject({ allowed: true, remaining: 1_000 - (i + 1) });
      }
      expect(claims()).toBe(10);
      expect(await counter(store, user.id, at("2026-11-29T10:00:30Z"))).toBe(10);
    } finally {
      await limiter.close();
      await store.close();
    }
  });

  it("claims a busy user's quota in growing leases, and gives back what it did not use when it closes", async () => {
    const { store, claims } = countingStore();
    const limiter = new RateLimiter(store, 100, "fallback", log);
    const user = fixed(`busy-${uniqueSuffix()}`, 1_000_000);
    const now = at("2026-11-29T10:00:00Z");
    try {
      for (let i = 0; i < 2_000; i++) expect((await limiter.consume(user, now)).allowed).toBe(true);
      // 1, 2, 4, ... 128 and then 128 at a time: 22 claims where per-chat counting sent 2,000.
      expect(claims()).toBeLessThanOrEqual(25);
      const claimed = await counter(store, user.id, now);
      expect(claimed - 2_000).toBeGreaterThanOrEqual(0);
      expect(claimed - 2_000).toBeLessThanOrEqual(129);
      // The unused units are the user's: peek counts them as remaining.
      expect((await limiter.peek(user, now)).remaining).toBe(1_000_000 - 2_000);
    } finally {
      await limiter.close();
    }
    expect(await counter(store, user.id, now)).toBe(2_000);
    await store.close();
  });

  it("never admits more than the limit across two instances, and admits all of it once idle leases go back", async () => {
    const a = countingStore();
    const b = countingStore();
    const limiters = [new RateLimiter(a.store, 100, "fallback", log), new RateLimiter(b.store, 100, "fallback", log)];
    const user = fixed(`shared-${uniqueSuffix()}`, 1_000);
    const now = new Date();
    try {
      // Bursts of 50 at once, alternating instances, far past the limit.
      let admitted = 0;
      for (let burst = 0; burst < 30; burst++) {
        const limiter = limiters[burst % 2]!;
        const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.consume(user, now)));
        admitted += decisions.filter((d) => d.allowed).length;
      }
      expect(admitted).toBeLessThanOrEqual(1_000);
      expect(await counter(a.store, user.id, now)).toBeLessThanOrEqual(1_000);
      // Units one instance holds are refused to the other only until they go back.
      const later = new Date(now.getTime() + 1_500);
      await Promise.all(limiters.map((limiter) => limiter.releaseIdleLeases(later.getTime())));
      for (let i = 0; i < 1_100 && admitted < 1_000; i++) {
        if ((await limiters[i % 2]!.consume(user, later)).allowed) admitted++;
      }
      expect(admitted).toBe(1_000);
      expect((await limiters[0]!.consume(user, later)).allowed).toBe(false);
      expect((await limiters[1]!.consume(user, later)).allowed).toBe(false);
      expect(await counter(a.store, user.id, now)).toBe(1_000);
    } finally {
      await Promise.all(limiters.map((limiter) => limiter.close()));
      await Promise.all([a.store.close(), b.store.close()]);
    }
  });

  it("refuses a burst past the limit with one claim, not one per refused chat", async () => {
    const { store, claims } = countingStore();
    const limiter = new RateLimiter(store, 100, "fallback", log);
    const user = fixed(`burst-${uniqueSuffix()}`, 100);
    const now = new Date();
    try {
      const decisions = await Promise.all(Array.from({ length: 105 }, () => limiter.consume(user, now)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(100);
      expect(decisions.filter((d) => !d.allowed).every((d) => d.remaining === 0)).toBe(true);
      // Chats that arrive together share one claim.
      expect(claims()).toBe(1);
    } finally {
      await limiter.close();
      await store.close();
    }
  });

  it("starts each hour from its own counter: units leased in one hour are not spent in the next", async () => {
    const { store } = countingStore();
    const limiter = new RateLimiter(store, 100, "fallback", log);
    const user = fixed(`hourly-${uniqueSuffix()}`, 1_000);
    const before = at("2026-11-29T10:59:59.900Z");
    const after = at("2026-11-29T11:00:00.000Z");
    try {
      for (let i = 0; i < 100; i++) await limiter.consume(user, before);
      const leased = await counter(store, user.id, before);
      expect(leased).toBeGreaterThan(100);
      const next = await limiter.consume(user, after);
      expect(next).toMatchObject({ allowed: true, resetAt: at("2026-11-29T12:00:00Z") });
      expect(await counter(store, user.id, after)).toBe(1);
      // What the old hour's lease did not use went back to it.
      expect(await counter(store, user.id, before)).toBe(100);
    } finally {
      await limiter.close();
      await store.close();
    }
  });

  it.each([
    ["Redis", () => countingStore().store],
    ["in-process", () => new MemoryStore()],
  ])("refuses at once on %s when the counter is already past a lowered limit", async (_kind, make) => {
    const store = make();
    const limiter = new RateLimiter(store, 100, "fail_closed", log);
    const user = fixed(`past-${uniqueSuffix()}`, 50);
    const now = new Date();
    try {
      await store.incrementWithExpiry(windowKey(user.id, now), 3_600, 500);
      for (let i = 0; i < 3; i++) expect(await limiter.consume(user, now)).toMatchObject({ allowed: false, remaining: 0 });
      expect(limiter.degraded).toBe(false);
      expect(await counter(store, user.id, now)).toBe(500);
    } finally {
      await limiter.close();
      await store.close();
    }
  });

  it("gives back units that land after their lease was replaced by a new limit, or after close", async () => {
    const { store } = slowStore(30);
    const limiter = new RateLimiter(store, 100, "fallback", log);
    const id = `inflight-${uniqueSuffix()}`;
    const now = new Date();
    let admitted = 0;
    const count = (decision: { allowed: boolean }) => (admitted += decision.allowed ? 1 : 0);
    try {
      for (let i = 0; i < 40; i++) count(await limiter.consume(fixed(id, 100_000), now));
      // A burst whose claim is in flight when the limit changes, then one in flight at close.
      const burst = Array.from({ length: 20 }, () => limiter.consume(fixed(id, 100_000), now));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const changed = limiter.consume(fixed(id, 200_000), now);
      for (const decision of await Promise.all([...burst, changed])) count(decision);
      // Chats of the old and the new limit in the same moment each keep what their claims bring.
      for (let i = 0; i < 5; i++) {
        const pair = [limiter.consume(fixed(id, 200_000 + i), now), limiter.consume(fixed(id, 300_000 + i), now)];
        for (const decision of await Promise.all(pair)) count(decision);
      }
      expect(limiter.bypasses).toBe(0);
      await limiter.releaseIdleLeases(now.getTime() + 2_000);
      const atClose = limiter.consume(fixed(id, 200_000), new Date(now.getTime() + 3_000));
      await new Promise((resolve) => setTimeout(resolve, 5));
      await limiter.close();
      count(await atClose);
    } finally {
      await limiter.close();
    }
    expect(await counter(store, id, now)).toBe(admitted);
    await store.close();
  });

  it("a chat that gave up on a slow store spends nothing when the claim lands later", async () => {
    const { store } = slowStore(150);
    const limiter = new RateLimiter(store, 100, "fail_closed", log);
    const user = fixed(`gave-up-${uniqueSuffix()}`, 1_000);
    const now = new Date();
    try {
      const answers = await Promise.allSettled(Array.from({ length: 5 }, () => limiter.consume(user, now)));
      expect(answers.every((answer) => answer.status === "rejected")).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(await counter(store, user.id, now)).toBe(5);
      expect(limiter.unusedLeased(user, now)).toBe(5);
    } finally {
      await limiter.close();
    }
    expect(await counter(store, user.id, now)).toBe(0);
    await store.close();
  });

  it("chats that arrive while a claim is in flight start their own, so none waits two round trips", async () => {
    const { store, claims } = slowStore(60);
    const limiter = new RateLimiter(store, 100, "fail_closed", log);
    const user = fixed(`second-wave-${uniqueSuffix()}`, 1_000);
    try {
      const first = limiter.consume(user);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const rest = Array.from({ length: 5 }, () => limiter.consume(user));
      const decisions = await Promise.all([first, ...rest]);
      expect(decisions.every((decision) => decision.allowed)).toBe(true);
      expect(claims()).toBe(2);
    } finally {
      await limiter.close();
      await store.close();
    }
  });

  it("gives back what every claim in flight at close brings, not just the first to land", async () => {
    const { store, claims } = slowStore(40);
    const limiter = new RateLimiter(store, 100, "fallback", log);
    const user = fixed(`close-flight-${uniqueSuffix()}`, 1_000_000);
    const now = new Date();
    let admitted = 0;
    const count = (decision: { allowed: boolean }) => (admitted += decision.allowed ? 1 : 0);
    for (let i = 0; i < 300; i++) count(await limiter.consume(user, now));
    while (limiter.unusedLeased(user, now) > 0) count(await limiter.consume(user, now));
    const claimsBefore = claims();
    const first = limiter.consume(user, now);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = Array.from({ length: 400 }, () => limiter.consume(user, now));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await limiter.close();
    // Chats still waiting when the limiter closed were answered by the policy, in-process.
    for (const decision of await Promise.all([first, ...second])) count(decision);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(claims() - claimsBefore).toBe(2);
    expect(await counter(store, user.id, now)).toBe(admitted - limiter.bypasses);
    await store.close();
  });

  it("a failed claim does not fail the chats another claim in flight is bringing units for", async () => {
    const { store, claims } = slowStore((claim) => (claim === 0 ? 30 : 60), (claim) => claim === 0);
    const limiter = new RateLimiter(store, 100, "fail_closed", log);
    const user = fixed(`crosstalk-${uniqueSuffix()}`, 1_000);
    try {
      const first = limiter.consume(user);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const later = Array.from({ length: 3 }, () => limiter.consume(user));
      const answers = await Promise.allSettled([first, ...later]);
      expect(answers.map((answer) => answer.status === "fulfilled" && answer.value.allowed)).toEqual([true, true, true, true]);
      // The failed claim's chat claimed again within its deadline; nobody fell to the policy.
      expect(claims()).toBe(3);
      expect(limiter.degraded).toBe(false);
    } finally {
      await limiter.close();
      await store.close();
    }
  });

  it("applies a lowered limit at once, giving back the units leased under the old one", async () => {
    const { store } = countingStore();
    const limiter = new RateLimiter(store, 100, "fallback", log);
    const id = `lowered-${uniqueSuffix()}`;
    const now = new Date();
    try {
      for (let i = 0; i < 50; i++) await limiter.consume(fixed(id, 1_000), now);
      expect(await counter(store, id, now)).toBeGreaterThan(50);
      expect((await limiter.consume(fixed(id, 50), now)).allowed).toBe(false);
      expect(await counter(store, id, now)).toBe(50);
      expect((await limiter.consume(fixed(id, 51), now)).allowed).toBe(true);
      expect((await limiter.consume(fixed(id, 51), now)).allowed).toBe(false);
    } finally {
      await limiter.close();
      await store.close();
    }
  });
});
