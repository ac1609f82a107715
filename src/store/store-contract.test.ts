// Both Store implementations must behave alike; the in-process one stands in
// for Redis in the embedded default.
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { TEST_REDIS_URL, uniqueSuffix } from "../testing/test-services.ts";
import { MemoryStore } from "./memory-store.ts";
import { RedisStore } from "./redis-store.ts";
import type { Store } from "./store.ts";

const prefix = `promptlab_test:${uniqueSuffix()}:`;
const available = inject("servicesAvailable");
const stores: Array<[string, () => Store]> = [
  ["memory", () => new MemoryStore()],
  ...(available ? [["redis", () => RedisStore.connect(TEST_REDIS_URL, prefix)] as [string, () => Store]] : []),
];

afterAll(async () => {
  if (!available) return;
  const redis = new Redis(TEST_REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

describe.each(stores)("%s store", (_kind, make) => {
  it("increments atomically under concurrency and sets the expiry once", async () => {
    const store = make();
    const counts = await Promise.all(Array.from({ length: 200 }, () => store.incrementWithExpiry("counter", 60)));
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    await store.close();
  });

  it("expires keys", async () => {
    const store = make();
    await store.set("short", "v", 1);
    expect(await store.get("short")).toBe("v");
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await store.get("short")).toBeNull();
    await store.incrementWithExpiry("short-counter", 1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await store.incrementWithExpiry("short-counter", 1)).toBe(1);
    await store.close();
  });

  it("delivers published messages to every subscriber until unsubscribed", async () => {
    const publisher = make();
    const subscriber = make();
    const store = _kind === "memory" ? publisher : subscriber;
    const received: string[] = [];
    const stop = await store.subscribe("channel", (message) => received.push(message));
    await publisher.publish("channel", "one");
    await expect.poll(() => received).toEqual(["one"]);
    await stop();
    await publisher.publish("channel", "two");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual(["one"]);
    await Promise.all([publisher.close(), subscriber.close()]);
  });

  it("queues in FIFO order and dequeues in batches", async () => {
    const store = make();
    await store.enqueue("queue", "a", "b", "c");
    await store.enqueue("queue", "d");
    expect(await store.queueLength("queue")).toBe(4);
    expect(await store.dequeue("queue", 3)).toEqual(["a", "b", "c"]);
    expect(await store.dequeue("queue", 3)).toEqual(["d"]);
    expect(await store.dequeue("queue", 3)).toEqual([]);
    await store.close();
  });

  it("answers ping", async () => {
    const store = make();
    expect(await store.ping()).toBe(true);
    await store.close();
  });
});
