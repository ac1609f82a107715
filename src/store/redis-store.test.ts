// Redis-specific behaviour the in-process store has no counterpart for: losing
// the connection and getting it back.
import { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { startPrivateRedis } from "../testing/private-redis.ts";
import { RedisStore } from "./redis-store.ts";

describe.skipIf(!inject("servicesAvailable"))("RedisStore across a Redis restart", () => {
  it("reconnects with backoff and resubscribes, so invalidations flow again", async () => {
    const redis = await startPrivateRedis();
    const subscriber = RedisStore.connect(redis.url, "p:");
    const publisher = RedisStore.connect(redis.url, "p:");
    const received: string[] = [];
    try {
      await subscriber.subscribe("config:changed", (message) => received.push(message));
      await publisher.publish("config:changed", "before");
      await expect.poll(() => received).toEqual(["before"]);

      await redis.stop();
      expect(await subscriber.ping()).toBe(false);
      await redis.start();

      await expect.poll(() => subscriber.ping(), { timeout: 5_000 }).toBe(true);
      // Publish until the resubscription is in place (it follows the reconnect).
      await expect
        .poll(
          async () => {
            await publisher.publish("config:changed", "after");
            return received.includes("after");
          },
          { timeout: 5_000, interval: 100 },
        )
        .toBe(true);
    } finally {
      await Promise.all([subscriber.close(), publisher.close()]);
      await redis.stop();
    }
  });

  it("keeps counting and locking after the restarted Redis forgot its scripts", async () => {
    // The scripts go by SHA; an empty script cache must fall back to sending them whole.
    const redis = await startPrivateRedis();
    const store = RedisStore.connect(redis.url, "p:");
    try {
      expect(await store.incrementWithExpiry("counter", 60)).toBe(1);
      expect((await store.slidingWindowHit("window", 1_000, 5, 1_000)).count).toBe(1);
      await redis.stop();
      await redis.start();
      await expect.poll(() => store.ping(), { timeout: 5_000 }).toBe(true);
      // The private Redis keeps nothing on disk: the counter starts again, with its TTL.
      expect(await store.incrementWithExpiry("counter", 60, 5)).toBe(5);
      expect(await store.incrementWithExpiry("counter", 60, 2)).toBe(7);
      const raw = new Redis(redis.url);
      try {
        expect(await raw.ttl("p:counter")).toBeGreaterThan(50);
      } finally {
        raw.disconnect();
      }
      expect((await store.slidingWindowHit("window", 1_000, 5, 2_000)).allowed).toBe(true);
      expect(await store.setIfAbsent("lock", "me", 10)).toBe(true);
      expect(await store.deleteIfEquals("lock", "someone else")).toBe(false);
      expect(await store.deleteIfEquals("lock", "me")).toBe(true);
    } finally {
      await store.close();
      await redis.stop();
    }
  });
});
