// The limiter against real Redis: exact sliding windows, and the fallback
// policy when a private Redis is killed and brought back.
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ServiceUnavailableError } from "../errors.ts";
import { createLogger } from "../logger.ts";
import { RedisStore } from "../store/redis-store.ts";
import { startPrivateRedis } from "../testing/private-redis.ts";
import { deleteRedisKeys } from "../testing/redis-keys.ts";
import { TEST_REDIS_URL, uniqueSuffix } from "../testing/test-services.ts";
import { RateLimiter } from "./rate-limiter.ts";

const log = createLogger({ level: "silent", pretty: false });
const prefix = `promptlab_test:${uniqueSuffix()}:`;
const fixed = (id: string, limit: number | null = null) => ({ id, rateLimitPerHour: limit, rateLimitAlgorithm: "fixed_window" as const });
const sliding = (id: string, limit: number) => ({ id, rateLimitPerHour: limit, rateLimitAlgorithm: "sliding_window" as const });

describe.skipIf(!inject("servicesAvailable"))("RateLimiter", () => {
  afterAll(async () => {
    await deleteRedisKeys(TEST_REDIS_URL, prefix);
  });

  it("admits exactly 100 of 105 simultaneous requests in a sliding window, like the fixed one", async () => {
    const store = RedisStore.connect(TEST_REDIS_URL, prefix);
    const limiter = new RateLimiter(store, 100, "fallback", log);
    for (const user of [sliding("sliding-user", 100), fixed("fixed-user", 100)]) {
      const decisions = await Promise.all(Array.from({ length: 105 }, () => limiter.consume(user)));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(100);
      expect(decisions.filter((d) => !d.allowed)).toHaveLength(5);
    }
    const peek = await limiter.peek(sliding("sliding-user", 100));
    expect(peek).toMatchObject({ limit: 100, remaining: 0, allowed: false });
    await limiter.close();
    await store.close();
  });

  it("falls back in-process within 100 ms when Redis dies, logs each bypass, and returns to Redis by itself", async () => {
    const redis = await startPrivateRedis();
    const store = RedisStore.connect(redis.url, "");
    const limiter = new RateLimiter(store, 3, "fallback", log);
    const user = fixed("u1");
    try {
      expect((await limiter.consume(user)).allowed).toBe(true);
      await redis.stop();

      const started = performance.now();
      const decision = await limiter.consume(user);
      const fellBackMs = performance.now() - started;
      expect(decision.allowed).toBe(true);
      expect(fellBackMs).toBeLessThan(150); // 100 ms budget plus scheduling slack on a loaded machine
      expect(limiter.degraded).toBe(true);
      // The in-process window is exact too: 3 per hour.
      await limiter.consume(user);
      await limiter.consume(user);
      expect((await limiter.consume(user)).allowed).toBe(false);
      expect(limiter.bypasses).toBe(4);

      await redis.start();
      await expect.poll(() => limiter.degraded, { timeout: 5_000, interval: 100 }).toBe(false);
      expect((await limiter.consume(user)).allowed).toBe(true);
      const direct = new Redis(redis.url);
      expect(await direct.keys("rate_limit:u1:*")).toHaveLength(1);
      direct.disconnect();
    } finally {
      await limiter.close();
      await store.close();
      await redis.stop();
    }
  });

  it("refuses with 503 under the fail-closed policy", async () => {
    const redis = await startPrivateRedis();
    const store = RedisStore.connect(redis.url, "");
    const limiter = new RateLimiter(store, 3, "fail_closed", log);
    try {
      await redis.stop();
      await expect(limiter.consume(fixed("u2"))).rejects.toBeInstanceOf(ServiceUnavailableError);
    } finally {
      await limiter.close();
      await store.close();
    }
  });
});
