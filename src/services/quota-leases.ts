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
import { randomUUID } from "node:crypto";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";
import { WINDOW_MS, windowKey, windowKeyTtlSeconds, windowResetAt, type RateLimitDecision } from "./rate-limit.ts";
import { storeDeadline } from "./store-deadline.ts";

const LEASE_SPAN_MS = 1_000;
const LEASE_IDLE_MS = 1_000;
const MAX_PREFETCH = 128;
const CLOSE_WAIT_MS = 500;

class QuotaLeasesClosedError extends Error {}

/** Settles once per claim that lands: with whether the window is spent, or with the claim's failure. */
class Landing {
  readonly promise: Promise<boolean>;
  resolve!: (spent: boolean) => void;
  reject!: (error: unknown) => void;
  constructor() {
    this.promise = new Promise<boolean>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A claim may fail while nobody waits on it; the waiters that do see the failure.
    this.promise.catch(() => {});
  }
}

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
  landedAtMs: number | undefined;
  usedAtMs: number;
  /** Chats waiting for units, and units asked for by the claims in flight: more waiting than asked starts a claim. */
  waiting: number;
  asked: number;
  claimScheduled: boolean;
  inFlight: number;
  landing: Landing;
  /** Replaced by a lease for another limit or window, or closed: what lands on it afterwards goes back. */
  retired: boolean;
}

export class QuotaLeases {
  private readonly leases = new Map<string, Lease>();
  /** Retired leases that still hold units or await a claim; the sweep gives their units back. */
  private readonly retired = new Set<Lease>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

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
    if (!lease || lease.units === 0 || !current(lease, limit, nowMs)) return undefined;
    return this.take(lease, nowMs);
  }

  /**
   * Takes a unit, claiming from the store when none is leased. A chat that waits
   * longer than `timeoutMs` gets StoreTimeoutError and takes nothing: units that
   * land later serve later chats or go back.
   */
  async consume(userId: string, limit: number, now: Date, timeoutMs: number): Promise<RateLimitDecision> {
    if (this.closed) throw new QuotaLeasesClosedError("the rate limiter is closed");
    const nowMs = now.getTime();
    let lease = this.leaseFor(userId, limit, now);
    if (lease.units > 0) return this.take(lease, nowMs);
    const deadline = storeDeadline(timeoutMs);
    try {
      for (;;) {
        // Units that landed on a lease retired meanwhile were claimed for its chats: they take them.
        if (lease.units > 0) return this.take(lease, nowMs);
        if (lease.retired) {
          if (this.closed) throw new QuotaLeasesClosedError("the rate limiter closed while this chat waited");
          lease = this.leaseFor(userId, limit, now);
          continue;
        }
        lease.waiting++;
        let spent: boolean;
        try {
          this.claimForWaiting(lease, nowMs);
          spent = await Promise.race([lease.landing.promise, deadline.expired]);
        } finally {
          lease.waiting--;
        }
        // A claim that came up short means the window was spent when Redis ran it; a claim
        // still in flight asked after it on the same connection and finds the same.
        if (spent && lease.units === 0) return this.decision(lease, false, nowMs);
      }
    } finally {
      deadline.cancel();
    }
  }

  /** Units this process holds for the user's current window: still free to use. */
  unused(userId: string, limit: number, now: Date): number {
    const lease = this.leases.get(userId);
    return lease && current(lease, limit, now.getTime()) ? lease.units : 0;
  }

  /** Gives back the units of leases unused for LEASE_IDLE_MS, and of retired ones, so other instances can admit them. */
  async releaseIdle(nowMs: number = Date.now()): Promise<void> {
    const releases: Array<Promise<void>> = [];
    for (const [userId, lease] of this.leases) {
      if (lease.inFlight > 0 || nowMs - lease.usedAtMs < LEASE_IDLE_MS) continue;
      releases.push(this.retire(userId, lease));
    }
    for (const lease of this.retired) releases.push(this.dropRetired(lease));
    await Promise.all(releases);
  }

  /** Gives back every unused unit, waiting at most CLOSE_WAIT_MS for claims in flight or a store that is down. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    const released = [...this.leases].map(([userId, lease]) => this.retire(userId, lease));
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
    const releaseAll = async () => {
      await Promise.all(released);
      // Every claim in flight, not just the next to land: each landing hands the lease a new one.
      for (const lease of this.retired) {
        while (lease.inFlight > 0) await lease.landing.promise.catch(() => {});
      }
      // A microtask-scheduled claim starts after this; its landing gives its units back itself.
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.all([...this.retired].map((lease) => this.dropRetired(lease)));
    };
    await Promise.race([releaseAll(), giveUp]);
    clearTimeout(timer);
  }

  private take(lease: Lease, nowMs: number): RateLimitDecision {
    lease.units--;
    lease.usedAtMs = nowMs;
    return this.decision(lease, true, nowMs);
  }

  private leaseFor(userId: string, limit: number, now: Date): Lease {
    const nowMs = now.getTime();
    const existing = this.leases.get(userId);
    if (existing && current(existing, limit, nowMs)) return existing;
    // A changed limit takes effect at once: what the old lease held goes back.
    if (existing) this.retire(userId, existing);
    const resetAt = windowResetAt(now);
    const lease: Lease = {
      key: windowKey(userId, now),
      limit,
      resetAt,
      windowEndMs: resetAt.getTime(),
      units: 0,
      total: 0,
      prefetch: 0,
      landedAtMs: undefined,
      usedAtMs: nowMs,
      waiting: 0,
      asked: 0,
      claimScheduled: false,
      inFlight: 0,
      landing: new Landing(),
      retired: false,
    };
    this.leases.set(userId, lease);
    return lease;
  }

  /** Gives the lease's units back now, or once the claims and chats still on it are done (the sweep). */
  private retire(userId: string, lease: Lease): Promise<void> {
    lease.retired = true;
    if (this.leases.get(userId) === lease) this.leases.delete(userId);
    if (lease.inFlight > 0 || lease.waiting > 0) {
      this.retired.add(lease);
      return Promise.resolve();
    }
    return this.release(lease);
  }

  /**
   * Once the chats that arrive together have joined (a microtask later), claims
   * for those that no claim in flight covers: chats arriving while one is in
   * flight start their own instead of waiting two round trips.
   */
  private claimForWaiting(lease: Lease, nowMs: number): void {
    if (lease.claimScheduled || lease.waiting <= lease.asked) return;
    lease.claimScheduled = true;
    queueMicrotask(() => {
      lease.claimScheduled = false;
      if (lease.waiting > lease.asked) this.claim(lease, lease.waiting - lease.asked, nowMs);
    });
  }

  /** A retired lease with no claim in flight and no chat waiting is done: its units go back. */
  private dropRetired(lease: Lease): Promise<void> {
    if (lease.inFlight > 0 || lease.waiting > 0) return Promise.resolve();
    this.retired.delete(lease);
    return this.release(lease);
  }

  /** Asks for `demand` units for chats waiting, plus the lease's prefetch; wakes the waiters when it lands. */
  private claim(lease: Lease, demand: number, nowMs: number): void {
    const ranOutFast = lease.landedAtMs !== undefined && nowMs - lease.landedAtMs < LEASE_SPAN_MS;
    lease.prefetch = ranOutFast ? Math.min(MAX_PREFETCH, Math.max(1, lease.prefetch * 2)) : lease.prefetch >> 1;
    // A total past the limit (a lowered limit, an older instance's counting) leaves nothing to prefetch.
    const want = demand + Math.max(0, Math.min(lease.prefetch, Math.floor((lease.limit - lease.total) / 16)));
    const ttlSeconds = windowKeyTtlSeconds(lease.windowEndMs, nowMs);
    lease.asked += want;
    lease.inFlight++;
    const landed = (settle: (landing: Landing) => void) => {
      lease.asked -= want;
      lease.inFlight--;
      const landing = lease.landing;
      lease.landing = new Landing();
      settle(landing);
      // Units landing on a lease retired meanwhile go back once its chats have taken theirs.
      if (lease.retired) setImmediate(() => void this.dropRetired(lease));
    };
    this.store.claimUpTo(lease.key, want, lease.limit, ttlSeconds).then(
      ({ granted, total }) => {
        lease.units += granted;
        lease.total = Math.max(lease.total, total);
        lease.landedAtMs = nowMs;
        landed((landing) => landing.resolve(granted < want));
      },
      (error: unknown) =>
        // While another claim is in flight its waiters wait for it (and claim again if it brings too
        // little); the failure reaches them only when it is the last.
        landed((landing) => (lease.inFlight > 0 ? landing.resolve(false) : landing.reject(error))),
    );
  }

  private async release(lease: Lease): Promise<void> {
    const units = lease.units;
    lease.units = 0;
    if (units === 0) return;
    try {
      await this.store.releaseClaimed(lease.key, units, randomUUID());
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

function current(lease: Lease, limit: number, nowMs: number): boolean {
  return !lease.retired && lease.limit === limit && nowMs < lease.windowEndMs && nowMs >= lease.windowEndMs - WINDOW_MS;
}
