// In-process Store for the embedded default (no REDIS_URL). Node runs this on one
// thread, so every operation is atomic, exactly like the Redis commands it mirrors.
import { EventEmitter } from "node:events";
import type { MessageHandler, Store } from "./store.ts";

interface Entry {
  value: string;
  expiresAt: number | null;
}

export class MemoryStore implements Store {
  readonly kind = "memory" as const;
  private readonly entries = new Map<string, Entry>();
  private readonly queues = new Map<string, string[]>();
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
  }

  async incrementWithExpiry(key: string, ttlSeconds: number): Promise<number> {
    const entry = this.live(key);
    if (!entry) {
      this.entries.set(key, { value: "1", expiresAt: this.now() + ttlSeconds * 1000 });
      return 1;
    }
    const next = Number(entry.value) + 1;
    entry.value = String(next);
    return next;
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
