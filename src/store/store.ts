// The shared-state interface: Redis in production, an in-process stand-in for the
// embedded default. Both give the same guarantees within one process; only Redis
// shares them across instances.
export type MessageHandler = (message: string) => void;

export interface Store {
  readonly kind: "redis" | "memory";
  /** Atomically increments `key`, setting its expiry on first use; returns the new count. */
  incrementWithExpiry(key: string, ttlSeconds: number): Promise<number>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
  publish(channel: string, message: string): Promise<void>;
  /** Returns a function that stops the subscription. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  /** Appends to a FIFO queue. */
  enqueue(queue: string, ...items: string[]): Promise<void>;
  /** Removes and returns up to `max` items from the head of a queue. */
  dequeue(queue: string, max: number): Promise<string[]>;
  queueLength(queue: string): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
