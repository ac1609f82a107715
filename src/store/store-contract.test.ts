// Both Store implementations must behave alike; the in-process one stands in
// for Redis in the embedded default.
import { afterAll, describe, expect, inject, it } from "vitest";
import { deleteRedisKeys } from "../testing/redis-keys.ts";
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
  await deleteRedisKeys(TEST_REDIS_URL, prefix);
});

describe.each(stores)("%s store", (_kind, make) => {
  it("increments atomically under concurrency and sets the expiry once", async () => {
    const store = make();
    const counts = await Promise.all(Array.from({ length: 200 }, () => store.incrementWithExpiry("counter", 60)));
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    await store.close();
  });

  it("claims up to a limit under concurrency, and gives back without going below zero", async () => {
    const store = make();
    const claims = await Promise.all(Array.from({ length: 40 }, () => store.claimUpTo("quota", 3, 100, 60)));
    expect(claims.reduce((sum, claim) => sum + claim.granted, 0)).toBe(100);
    expect(claims.filter((claim) => claim.granted === 1)).toHaveLength(1);
    expect(Math.max(...claims.map((claim) => claim.total))).toBe(100);
    expect(await store.claimUpTo("quota", 5, 100, 60)).toEqual({ granted: 0, total: 100 });
    await store.releaseClaimed("quota", 7, "release-1");
    // The same release again (a client resending it after a reconnect) takes nothing.
    await store.releaseClaimed("quota", 7, "release-1");
    expect(await store.claimUpTo("quota", 10, 100, 60)).toEqual({ granted: 7, total: 100 });
    await store.releaseClaimed("quota", 500, "release-2");
    expect(await store.get("quota")).toBe("0");
    // Giving back to a window that is gone does not bring it back.
    await store.releaseClaimed("never-claimed", 5, "release-3");
    expect(await store.get("never-claimed")).toBeNull();
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

  it("sets a key only when absent, so exactly one of many concurrent callers wins", async () => {
    const store = make();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.setIfAbsent("lock", `holder-${i}`, 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = `holder-${results.indexOf(true)}`;
    expect(await store.get("lock")).toBe(winner);
    expect(await store.setIfAbsent("lock", "late", 60)).toBe(false);
    await store.close();
  });

  it("releases a key only for the holder of its value, and lets it expire", async () => {
    const store = make();
    expect(await store.setIfAbsent("held", "mine", 1)).toBe(true);
    expect(await store.deleteIfEquals("held", "theirs")).toBe(false);
    expect(await store.get("held")).toBe("mine");
    expect(await store.deleteIfEquals("held", "mine")).toBe(true);
    expect(await store.get("held")).toBeNull();
    expect(await store.deleteIfEquals("held", "mine")).toBe(false);
    expect(await store.setIfAbsent("held", "again", 1)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await store.setIfAbsent("held", "after-expiry", 1)).toBe(true);
    expect(await store.get("held")).toBe("after-expiry");
    await store.close();
  });

  it("adds amounts atomically", async () => {
    const store = make();
    await Promise.all(Array.from({ length: 50 }, () => store.incrementWithExpiry("tokens", 60, 7)));
    expect(await store.incrementWithExpiry("tokens", 60, 0)).toBe(350);
    await store.close();
  });

  it("admits exactly `limit` of many simultaneous sliding-window hits", async () => {
    const store = make();
    const now = Date.now();
    const results = await Promise.all(Array.from({ length: 120 }, () => store.slidingWindowHit("sliding", 60_000, 100, now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(100);
    expect(Math.max(...results.map((r) => r.count))).toBe(100);
    await store.close();
  });

  it("frees sliding-window slots as old hits leave the window", async () => {
    const store = make();
    const t0 = Date.now();
    expect((await store.slidingWindowHit("slide2", 1_000, 2, t0)).allowed).toBe(true);
    expect((await store.slidingWindowHit("slide2", 1_000, 2, t0 + 400)).allowed).toBe(true);
    const refused = await store.slidingWindowHit("slide2", 1_000, 2, t0 + 900);
    expect(refused).toEqual({ allowed: false, count: 2, oldestMs: t0 });
    // At t0 + 1000 the first hit is out of the window; the second is not.
    const admitted = await store.slidingWindowHit("slide2", 1_000, 2, t0 + 1_000);
    expect(admitted).toEqual({ allowed: true, count: 2, oldestMs: t0 + 400 });
    await store.close();
  });

  it("answers ping", async () => {
    const store = make();
    expect(await store.ping()).toBe(true);
    await store.close();
  });
});
