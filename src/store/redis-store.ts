// Store on Redis (ioredis). Every key and channel carries the configured prefix
// so tests and tenants can share one server. Subscriptions use their own
// connection, opened on first use, because a subscribed Redis connection can
// issue no other commands.
import { Redis } from "ioredis";
import type { MessageHandler, Store } from "./store.ts";

export class RedisStore implements Store {
  readonly kind = "redis" as const;
  private subscriber: Redis | undefined;
  private readonly handlers = new Map<string, Set<MessageHandler>>();

  constructor(
    private readonly client: Redis,
    private readonly prefix: string,
  ) {}

  static connect(url: string, prefix: string): RedisStore {
    const client = new Redis(url, {
      // Fail commands fast while Redis is away instead of queueing them forever.
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    });
    client.on("error", () => {
      // Reported through ping() and the callers' own failures; an unhandled
      // 'error' event would crash the process.
    });
    return new RedisStore(client, prefix);
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  async incrementWithExpiry(key: string, ttlSeconds: number): Promise<number> {
    const results = await this.client
      .multi()
      .incr(this.k(key))
      .expire(this.k(key), ttlSeconds, "NX")
      .exec();
    const [incrError, count] = results?.[0] ?? [new Error("empty MULTI result"), null];
    if (incrError) throw incrError;
    return Number(count);
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(this.k(key));
  }

  async set(key: string, value: string, ttlSeconds?: number): Promise<void> {
    if (ttlSeconds === undefined) await this.client.set(this.k(key), value);
    else await this.client.set(this.k(key), value, "EX", ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    await this.client.del(this.k(key));
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.client.publish(this.k(channel), message);
  }

  private subscriberConnection(): Redis {
    if (!this.subscriber) {
      const subscriber = this.client.duplicate();
      subscriber.on("error", () => {});
      subscriber.on("message", (channel: string, message: string) => {
        for (const handler of this.handlers.get(channel) ?? []) handler(message);
      });
      this.subscriber = subscriber;
    }
    return this.subscriber;
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    const full = this.k(channel);
    const subscriber = this.subscriberConnection();
    let set = this.handlers.get(full);
    if (!set) {
      set = new Set();
      this.handlers.set(full, set);
      await subscriber.subscribe(full);
    }
    set.add(handler);
    return async () => {
      const current = this.handlers.get(full);
      current?.delete(handler);
      if (current && current.size === 0) {
        this.handlers.delete(full);
        await subscriber.unsubscribe(full);
      }
    };
  }

  async enqueue(queue: string, ...items: string[]): Promise<void> {
    if (items.length > 0) await this.client.rpush(this.k(queue), ...items);
  }

  async dequeue(queue: string, max: number): Promise<string[]> {
    return (await this.client.lpop(this.k(queue), max)) ?? [];
  }

  async queueLength(queue: string): Promise<number> {
    return this.client.llen(this.k(queue));
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === "PONG";
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.client.quit(), this.subscriber?.quit()]);
  }
}
