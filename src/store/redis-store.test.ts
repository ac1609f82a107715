// Redis-specific behaviour the in-process store has no counterpart for: losing
// the connection and getting it back.
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
});
