// In-process Store for the embedded default (no REDIS_URL). Node runs this on one
// thread, so every operation is atomic, exactly like the Redis commands it mirrors.
import { EventEmitter } from "node:events";
import { RELEASE_MARKER_TTL_SECONDS, releaseMarkerKey, type MessageHandler, type QuotaClaim, type SlidingWindowResult, type Store } from "./store.ts";

interface Entry {
  value: string;
  expiresAt: number | null;
}

export class MemoryStore implements Store {
  readonly kind = "memory" as const;
  private readonly entries = new Map<string, Entry>();
  private readonly queues = new Map<string, string[]>();
  private readonly windows = new Map<string, number[]>();
  private readonly channels = new EventEmitter();
  private sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.channels.setMaxListeners(0);
    // Expired keys are dropped lazily on read; the sweep bounds memory for keys never read again.
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    for (const key of this.entries.keys()) this.live(key);
    // Sliding windows are at most a day long; anything older is dead weight.
    const horizon = this.now() - 86_400_000;
    for (const [key, hits] of this.windows) if ((hits.at(-1) ?? 0) < horizon) this.windows.delete(key);
  }

  async incrementWithExpiry(key: string, ttlSeconds: number, amount = 1): Promise<number> {
    const entry = this.live(key);
    if (!entry) {
      this.entries.set(key, { value: String(amount), expiresAt: this.now() + ttlSeconds * 1000 });
      return amount;
    }
    const next = Number(entry.value) + amount;
    entry.value = String(next);
    return next;
  }

  async claimUpTo(key: string, want: number, limit: number, ttlSeconds: number): Promise<QuotaClaim> {
    const used = Number(this.live(key)?.value ?? 0);
    const granted = Math.min(want, limit - used);
    if (granted <= 0) return { granted: 0, total: used };
    return { granted, total: await this.incrementWithExpiry(key, ttlSeconds, granted) };
  }

  async releaseClaimed(key: string, amount: number, releaseId: string): Promise<void> {
    if (!(await this.setIfAbsent(releaseMarkerKey(key, releaseId), "1", RELEASE_MARKER_TTL_SECONDS))) return;
    const entry = this.live(key);
    if (entry) entry.value = String(Math.max(0, Number(entry.value) - amount));
  }

  async slidingWindowHit(key: string, windowMs: number, limit: number, nowMs: number): Promise<SlidingWindowResult> {
    const hits = (this.windows.get(key) ?? []).filter((at) => at > nowMs - windowMs);
    const allowed = hits.length < limit;
    if (allowed) hits.push(nowMs);
    this.windows.set(key, hits);
    return { allowed, count: hits.length, oldestMs: hits[0] ?? null };
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    this.entries.set(key, {
      value,
      expiresAt: ttlSeconds === undefined ? null : this.now() + ttlSeconds * 1000,
    });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    if (this.live(key)) return false;
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
    return true;
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    if (this.live(key)?.value !== value) return false;
    this.entries.delete(key);
    return true;
  }

  async publish(channel: string, message: string): Promise<void> {
    // Redis delivers asynchronously; so do we, so callers never depend on re-entrancy.
    queueMicrotask(() => this.channels.emit(channel, message));
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    this.channels.on(channel, handler);
    return async () => {
      this.channels.off(channel, handler);
    };
  }

  async enqueue(queue: string, ...items: string[]): Promise<void> {
    const list = this.queues.get(queue) ?? [];
    list.push(...items);
    this.queues.set(queue, list);
  }

  async dequeue(queue: string, max: number): Promise<string[]> {
    const list = this.queues.get(queue);
    if (!list) return [];
    return list.splice(0, max);
  }

  async queueLength(queue: string): Promise<number> {
    return this.queues.get(queue)?.length ?? 0;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.channels.removeAllListeners();
  }
}
