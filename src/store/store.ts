// The shared-state interface: Redis in production, an in-process stand-in for the
// embedded default. Both give the same guarantees within one process; only Redis
// shares them across instances.
export type MessageHandler = (message: string) => void;

export interface SlidingWindowResult {
  allowed: boolean;
  /** Hits in the window, this one included when allowed. */
  count: number;
  /** Time of the oldest hit still in the window (when it leaves, a slot frees up). */
  oldestMs: number | null;
}

/** Long enough to outlast any resend of a release after a reconnect. */
export const RELEASE_MARKER_TTL_SECONDS = 300;

export function releaseMarkerKey(key: string, releaseId: string): string {
  return `${key}:release:${releaseId}`;
}

export interface QuotaClaim {
  granted: number;
  /** The key's total after this claim: every instance's claims in the window. */
  total: number;
}

export interface Store {
  readonly kind: "redis" | "memory";
  /** Atomically adds `amount` (default 1) to `key`, setting its expiry on first use; returns the new total. */
  incrementWithExpiry(key: string, ttlSeconds: number, amount?: number): Promise<number>;
  /**
   * Atomically adds up to `want` to `key` without taking it past `limit`, setting its
   * expiry on first use; returns what was added and the new total (quota leases).
   */
  claimUpTo(key: string, want: number, limit: number, ttlSeconds: number): Promise<QuotaClaim>;
  /**
   * Atomically takes back up to `amount` of what `key` holds, never below 0 and never
   * creating it; a second call with the same `releaseId` (a client resending it after a
   * reconnect) takes nothing, so units are never given back twice.
   */
  releaseClaimed(key: string, amount: number, releaseId: string): Promise<void>;
  /**
   * Sliding-window log: atomically drops hits older than `windowMs` before `nowMs`,
   * then records this hit only if fewer than `limit` remain.
   */
  slidingWindowHit(key: string, windowMs: number, limit: number, nowMs: number): Promise<SlidingWindowResult>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Sets `key` only if it does not exist, with an expiry; true when this call set it.
   * With deleteIfEquals, a lock: the holder writes a unique token and releases only its own.
   */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Deletes `key` only while it still holds `value`; true when deleted. */
  deleteIfEquals(key: string, value: string): Promise<boolean>;
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
