// The fixed hourly window, counted in leases: a busy user's chats take units
// this process claimed from the shared store ahead of time, so Redis sees one
// claim per lease instead of one INCR per chat (the technique of Istio's quota
// prefetch and Google's Doorman). At 1,800 chats/s the per-chat INCR was 10% of
// the server's CPU and one round trip before every first token.
//
// Claims are atomic against the limit in the store, so instances together never
// admit more than the limit. What leasing costs is the other way: units one
// instance holds and has not used are refused to the others until it gives them
// back, after LEASE_IDLE_MS without use or when it closes. A lease grows only
// while the one before it ran out within LEASE_SPAN_MS (so it holds about a
// second of the user's chats), and is never more than a sixteenth of what is
// left of the limit: a user chatting at a human pace is counted one chat at a
// time, exactly as before, and near the limit claims are single units.
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";
import { windowKey, windowResetAt, type RateLimitDecision } from "./rate-limit.ts";

const LEASE_SPAN_MS = 1_000;
const LEASE_IDLE_MS = 1_000;
const MAX_PREFETCH = 128;
const CLOSE_WAIT_MS = 500;
/** The key outlives its window by a minute so a slow clock cannot reset it early. */
const KEY_GRACE_SECONDS = 60;

interface Lease {
  readonly key: string;
  readonly limit: number;
  readonly resetAt: Date;
  readonly windowEndMs: number;
  /** Claimed and not yet used by this process. */
  units: number;
  /** The window's claimed total, every instance's, as of this process's last claim. */
  total: number;
  /** Units claimed beyond the chats waiting, grown and shrunk by how fast the last lease ran out. */
  prefetch: number;
  claimedAtMs: number | undefined;
  usedAtMs: number;
  /** Chats waiting for the claim in flight. */
  waiting: number;
  /** Resolves true when the claim granted less than it asked for: the window is spent. */
  claim: Promise<boolean> | undefined;
}

export class QuotaLeases {
  private readonly leases = new Map<string, Lease>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {
    this.sweeper = setInterval(() => void this.releaseIdle(), LEASE_IDLE_MS);
    this.sweeper.unref();
  }

  /** A decision from units already leased, or undefined when the store must be asked. */
  takeLeased(userId: string, limit: number, now: Date): RateLimitDecision | undefined {
    const lease = this.leases.get(userId);
    const nowMs = now.getTime();
    if (!lease || lease.units === 0 || !this.current(lease, limit, nowMs)) return undefined;
    lease.units--;
    lease.usedAtMs = nowMs;
    return this.decision(lease, true, nowMs);
  }

  async consume(userId: string, limit: number, now: Date): Promise<RateLimitDecision> {
    const nowMs = now.getTime();
    const lease = this.leaseFor(userId, limit, now);
    while (lease.units === 0) {
      lease.waiting++;
      lease.claim ??= this.claim(lease, nowMs);
      let spent: boolean;
      try {
        spent = await lease.claim;
      } finally {
        lease.waiting--;
      }
      if (spent && lease.units === 0) return this.decision(lease, false, nowMs);
    }
    lease.units--;
    lease.usedAtMs = nowMs;
    return this.decision(lease, true, nowMs);
  }

  /** Units this process holds for the user's current window: still free to use. */
  unused(userId: string, limit: number, now: Date): number {
    const lease = this.leases.get(userId);
    return lease && this.current(lease, limit, now.getTime()) ? lease.units : 0;
  }

  /** Gives back the units of leases unused for LEASE_IDLE_MS, so other instances can admit them. */
  async releaseIdle(nowMs: number = Date.now()): Promise<void> {
    const idle: Lease[] = [];
    for (const [userId, lease] of this.leases) {
      if (lease.claim || nowMs - lease.usedAtMs < LEASE_IDLE_MS) continue;
      this.leases.delete(userId);
      if (nowMs < lease.windowEndMs) idle.push(lease);
    }
    await Promise.all(idle.map((lease) => this.release(lease)));
  }

  /** Gives back every unused unit, waiting at most CLOSE_WAIT_MS for a store that is down. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const held = [...this.leases.values()];
    this.leases.clear();
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
    await Promise.race([Promise.all(held.map((lease) => this.release(lease))), giveUp]);
    clearTimeout(timer);
  }

  private current(lease: Lease, limit: number, nowMs: number): boolean {
    return lease.limit === limit && nowMs < lease.windowEndMs && nowMs >= lease.windowEndMs - 3_600_000;
  }

  private leaseFor(userId: string, limit: number, now: Date): Lease {
    const existing = this.leases.get(userId);
    if (existing && this.current(existing, limit, now.getTime())) return existing;
    // A changed limit takes effect at once: what the old lease held goes back.
    if (existing && existing.key === windowKey(userId, now)) void this.release(existing);
    const resetAt = windowResetAt(now);
    const lease: Lease = {
      key: windowKey(userId, now),
      limit,
      resetAt,
      windowEndMs: resetAt.getTime(),
      units: 0,
      total: 0,
      prefetch: 0,
      claimedAtMs: undefined,
      usedAtMs: now.getTime(),
      waiting: 0,
      claim: undefined,
    };
    this.leases.set(userId, lease);
    return lease;
  }

  private async claim(lease: Lease, nowMs: number): Promise<boolean> {
    const ranOutFast = lease.claimedAtMs !== undefined && nowMs - lease.claimedAtMs < LEASE_SPAN_MS;
    lease.prefetch = ranOutFast ? Math.min(MAX_PREFETCH, Math.max(1, lease.prefetch * 2)) : lease.prefetch >> 1;
    const want = lease.waiting + Math.min(lease.prefetch, Math.floor((lease.limit - lease.total) / 16));
    const ttlSeconds = Math.ceil((lease.windowEndMs - nowMs) / 1000) + KEY_GRACE_SECONDS;
    try {
      const { granted, total } = await this.store.claimUpTo(lease.key, want, lease.limit, ttlSeconds);
      lease.units += granted;
      lease.total = total;
      lease.claimedAtMs = nowMs;
      return granted < want;
    } finally {
      lease.claim = undefined;
    }
  }

  private async release(lease: Lease): Promise<void> {
    const units = lease.units;
    if (units === 0) return;
    lease.units = 0;
    try {
      await this.store.releaseClaimed(lease.key, units);
    } catch (error) {
      // The units stay counted until the window ends: fewer chats admitted, never more.
      this.log.warn({ event: "quota_release_failed", err: error, units }, "could not give back unused rate-limit units");
    }
  }

  private decision(lease: Lease, allowed: boolean, nowMs: number): RateLimitDecision {
    return {
      allowed,
      limit: lease.limit,
      remaining: Math.max(0, lease.limit - lease.total + lease.units),
      resetAt: lease.resetAt,
      retryAfterSeconds: Math.max(1, Math.ceil((lease.windowEndMs - nowMs) / 1000)),
    };
  }
}
