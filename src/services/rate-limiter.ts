// The rate limiter in front of chats: the seed's fixed hourly window (claimed
// from the store in leases, see quota-leases.ts) or an exact sliding hour, per
// user, counted in the shared store (Redis). If the store
// stops answering within STORE_TIMEOUT_MS, the documented policy applies:
// "fallback" (the seed's choice) counts in this process instead, logging every
// bypass and reporting degraded health, and returns to the store by itself once
// a background ping succeeds; "fail_closed" refuses chats with a 503 instead.
import { ServiceUnavailableError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { MemoryStore } from "../store/memory-store.ts";
import type { Store } from "../store/store.ts";
import { QuotaLeases } from "./quota-leases.ts";
import { withStoreTimeout } from "./store-deadline.ts";
import { consumeRateLimit, peekRateLimit, WINDOW_MS, windowResetAt, type RateLimitDecision } from "./rate-limit.ts";

export type StoreFailurePolicy = "fallback" | "fail_closed";
export type RateLimitAlgorithm = "fixed_window" | "sliding_window";

const STORE_TIMEOUT_MS = 100;
const PROBE_INTERVAL_MS = 1_000;

export interface LimitedUser {
  id: string;
  rateLimitPerHour: number | null;
  rateLimitAlgorithm: RateLimitAlgorithm;
}

const slidingKey = (userId: string) => `rate_limit_sliding:${userId}`;

async function consumeSlidingWindow(store: Store, userId: string, limit: number, now: Date): Promise<RateLimitDecision> {
  const nowMs = now.getTime();
  const hit = await store.slidingWindowHit(slidingKey(userId), WINDOW_MS, limit, nowMs);
  // The next slot frees when the oldest hit in the window leaves it.
  const resetAt = new Date((hit.oldestMs ?? nowMs) + WINDOW_MS);
  return {
    allowed: hit.allowed,
    limit,
    remaining: Math.max(0, limit - hit.count),
    resetAt,
    retryAfterSeconds: Math.max(1, Math.ceil((resetAt.getTime() - nowMs) / 1000)),
  };
}

export class RateLimiter {
  private readonly local = new MemoryStore();
  private readonly leases: QuotaLeases;
  private closed = false;
  private probe: NodeJS.Timeout | undefined;
  private bypassCount = 0;

  constructor(
    private readonly store: Store,
    private readonly defaultLimit: number,
    private readonly policy: StoreFailurePolicy,
    private readonly log: Logger,
  ) {
    this.leases = new QuotaLeases(store, log);
  }

  /** True while counting happens in-process because the shared store failed. */
  get degraded(): boolean {
    return this.probe !== undefined;
  }

  get bypasses(): number {
    return this.bypassCount;
  }

  limitFor(user: LimitedUser): number {
    return user.rateLimitPerHour ?? this.defaultLimit;
  }

  async consume(user: LimitedUser, now: Date = new Date()): Promise<RateLimitDecision> {
    const limit = this.limitFor(user);
    const sliding = user.rateLimitAlgorithm === "sliding_window";
    if (!this.degraded) {
      const leased = sliding ? undefined : this.leases.takeLeased(user.id, limit, now);
      if (leased) return leased;
      try {
        // The leases keep their own deadline, so a chat that gave up never spends a unit that lands later.
        return sliding
          ? await withStoreTimeout(consumeSlidingWindow(this.store, user.id, limit, now), STORE_TIMEOUT_MS)
          : await this.leases.consume(user.id, limit, now, STORE_TIMEOUT_MS);
      } catch (error) {
        this.enterDegraded(error);
      }
    }
    if (this.policy === "fail_closed") {
      throw new ServiceUnavailableError("Rate limiting is unavailable, so chats are paused; try again shortly.", 5);
    }
    this.bypassCount++;
    this.log.warn({ event: "rate_limit_bypass", user_id: user.id, store: this.store.kind }, "rate limit counted in-process: store unavailable");
    return sliding ? consumeSlidingWindow(this.local, user.id, limit, now) : consumeRateLimit(this.local, user.id, limit, now);
  }

  async peek(user: LimitedUser, now: Date = new Date()): Promise<RateLimitDecision> {
    const limit = this.limitFor(user);
    const store = this.degraded ? this.local : this.store;
    try {
      if (user.rateLimitAlgorithm === "sliding_window") {
        // A limit of 0 never records the hit: a read of the window.
        const window = await withStoreTimeout(store.slidingWindowHit(slidingKey(user.id), WINDOW_MS, 0, now.getTime()), STORE_TIMEOUT_MS);
        const resetAt = new Date((window.oldestMs ?? now.getTime()) + WINDOW_MS);
        return { allowed: window.count < limit, limit, remaining: Math.max(0, limit - window.count), resetAt, retryAfterSeconds: 1 };
      }
      const window = await withStoreTimeout(peekRateLimit(store, user.id, limit, now), STORE_TIMEOUT_MS);
      if (this.degraded) return window;
      // Units this process leased and has not used are still the user's to spend.
      const remaining = Math.min(limit, window.remaining + this.leases.unused(user.id, limit, now));
      return { ...window, remaining, allowed: remaining > 0 };
    } catch {
      return { allowed: true, limit, remaining: limit, resetAt: windowResetAt(now), retryAfterSeconds: 1 };
    }
  }

  /** Units of the user's current window this process has leased and not used. */
  unusedLeased(user: LimitedUser, now: Date = new Date()): number {
    return this.leases.unused(user.id, this.limitFor(user), now);
  }

  /** Gives back units leased and unused for a second (a timer does this every second; tests call it). */
  releaseIdleLeases(nowMs?: number): Promise<void> {
    return this.leases.releaseIdle(nowMs);
  }

  private enterDegraded(error: unknown): void {
    // Chats still waiting when the limiter closes fall to the policy, but nothing probes a closed store.
    if (this.degraded || this.closed) return;
    this.log.error({ event: "rate_limit_degraded", err: error, policy: this.policy }, "rate-limit store unavailable");
    this.probe = setInterval(() => void this.tryRecover(), PROBE_INTERVAL_MS);
    this.probe.unref();
  }

  private async tryRecover(): Promise<void> {
    if (!(await withStoreTimeout(this.store.ping(), 500).catch(() => false))) return;
    clearInterval(this.probe);
    this.probe = undefined;
    this.log.info({ event: "rate_limit_recovered", bypasses: this.bypassCount }, "rate limiting back on the shared store");
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.probe);
    this.probe = undefined;
    await this.leases.close();
    await this.local.close();
  }
}
