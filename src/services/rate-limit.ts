// The seed's fixed-window limiter: one counter per user per UTC hour, key
// `rate_limit:{user_id}:{YYYYMMDDHH}`, incremented atomically with an expiry so
// concurrent requests can never overshoot the limit.
import { RateLimitedError } from "../errors.ts";
import type { Store } from "../store/store.ts";

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the current window ends. */
  resetAt: Date;
  retryAfterSeconds: number;
}

/** The length of a window: the fixed window's UTC hour, the sliding window's last hour. */
export const WINDOW_MS = 3_600_000;

export function windowKey(userId: string, now: Date): string {
  const stamp = now.toISOString().slice(0, 13).replace(/[-T]/g, ""); // YYYYMMDDHH
  return `rate_limit:${userId}:${stamp}`;
}

export function windowResetAt(now: Date): Date {
  const reset = new Date(now);
  reset.setUTCMinutes(0, 0, 0);
  reset.setUTCHours(reset.getUTCHours() + 1);
  return reset;
}

/** Seconds a window's counter key lives: the window left, plus a minute so a slow clock cannot reset it early. */
export function windowKeyTtlSeconds(resetAtMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((resetAtMs - nowMs) / 1000)) + 60;
}

export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(decision.limit),
    "X-RateLimit-Remaining": String(decision.remaining),
    "X-RateLimit-Reset": String(Math.floor(decision.resetAt.getTime() / 1000)),
  };
}

export async function consumeRateLimit(
  store: Store,
  userId: string,
  limit: number,
  now: Date = new Date(),
): Promise<RateLimitDecision> {
  const resetAt = windowResetAt(now);
  const secondsLeft = Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000));
  const count = await store.incrementWithExpiry(windowKey(userId, now), windowKeyTtlSeconds(resetAt.getTime(), now.getTime()));
  return {
    allowed: count <= limit,
    limit,
    remaining: Math.max(0, limit - count),
    resetAt,
    retryAfterSeconds: secondsLeft,
  };
}

/** Reads the current window without consuming from it (for `me`). */
export async function peekRateLimit(
  store: Store,
  userId: string,
  limit: number,
  now: Date = new Date(),
): Promise<RateLimitDecision> {
  const resetAt = windowResetAt(now);
  const used = Number((await store.get(windowKey(userId, now))) ?? 0);
  return {
    allowed: used < limit,
    limit,
    remaining: Math.max(0, limit - used),
    resetAt,
    retryAfterSeconds: Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000)),
  };
}

export function assertAllowed(decision: RateLimitDecision): void {
  if (decision.allowed) return;
  throw new RateLimitedError(
    `Rate limit of ${decision.limit} requests per hour reached; the window resets at ${decision.resetAt.toISOString()}.`,
    decision.retryAfterSeconds,
    rateLimitHeaders(decision),
  );
}
