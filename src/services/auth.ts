// Resolves an x-api-key header to a user. Lookups go by hash; a short in-memory
// cache keeps the database off the hot path. A key change (revocation, expiry,
// role) is announced on AUTH_CHANNEL and every instance drops its cache at
// once; the 1 s TTL bounds staleness even if a message is lost.
import type pg from "pg";
import type { Store } from "../store/store.ts";
import { UnauthorizedError } from "../errors.ts";
import { hashApiKey, hashesEqual, isWellFormedApiKey } from "./api-keys.ts";

export interface AuthUser {
  id: string;
  name: string;
  role: "user" | "admin";
  rateLimitPerHour: number | null;
  rateLimitAlgorithm: "fixed_window" | "sliding_window";
  dailyTokenBudget: number | null;
  apiKeyId: string;
}

const CACHE_TTL_MS = 1_000;
export const AUTH_CHANNEL = "auth:changed";
const CACHE_MAX_ENTRIES = 10_000;

interface KeyRow {
  id: string;
  key_hash: string;
  expires_at: Date | null;
  revoked_at: Date | null;
  user_id: string;
  name: string;
  role: AuthUser["role"];
  rate_limit_per_hour: number | null;
  rate_limit_algorithm: AuthUser["rateLimitAlgorithm"];
  daily_token_budget: number | null;
}

// Raw pg with a named prepared statement, not Prisma: every request whose key
// is not cached runs it, and through Prisma's query interpreter one lookup
// cost ~0.8 ms of CPU, so with many distinct users auth alone would bound the
// request rate.
const KEY_LOOKUP_SQL = `
  SELECT k.id, k.key_hash, k.expires_at, k.revoked_at,
         u.id AS user_id, u.name, u.role::text AS role, u.rate_limit_per_hour,
         u.rate_limit_algorithm::text AS rate_limit_algorithm, u.daily_token_budget
    FROM api_keys k JOIN users u ON u.id = k.user_id
   WHERE k.key_hash = $1`;

export class Authenticator {
  private readonly cache = new Map<string, { user: AuthUser; expiresAt: number }>();
  /** Lookups in flight by key hash, so a burst on one uncached key costs one query. */
  private readonly pending = new Map<string, Promise<AuthUser | null>>();
  /** Bumped by forget(): a lookup that began before a key change must not refill the cache. */
  private generation = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(apiKey: string | undefined): Promise<AuthUser> {
    if (!apiKey || !isWellFormedApiKey(apiKey)) throw new UnauthorizedError();
    const keyHash = hashApiKey(apiKey);
    const cached = this.cache.get(keyHash);
    if (cached && cached.expiresAt > this.now()) return cached.user;

    let lookup = this.pending.get(keyHash);
    if (!lookup) {
      const started: Promise<AuthUser | null> = this.lookup(keyHash).finally(() => {
        if (this.pending.get(keyHash) === started) this.pending.delete(keyHash);
      });
      lookup = started;
      this.pending.set(keyHash, started);
    }
    const user = await lookup;
    if (!user) throw new UnauthorizedError();
    return user;
  }

  private async lookup(keyHash: string): Promise<AuthUser | null> {
    const generation = this.generation;
    const { rows } = await this.pool.query<KeyRow>({ name: "auth-key-lookup", text: KEY_LOOKUP_SQL, values: [keyHash] });
    const row = rows[0];
    if (
      !row ||
      !hashesEqual(row.key_hash, keyHash) ||
      row.revoked_at !== null ||
      (row.expires_at !== null && row.expires_at.getTime() <= this.now())
    ) {
      this.cache.delete(keyHash);
      return null;
    }
    const user: AuthUser = {
      id: row.user_id,
      name: row.name,
      role: row.role,
      rateLimitPerHour: row.rate_limit_per_hour,
      rateLimitAlgorithm: row.rate_limit_algorithm,
      dailyTokenBudget: row.daily_token_budget,
      apiKeyId: row.id,
    };
    if (generation !== this.generation) return user;
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(keyHash, { user, expiresAt: this.now() + CACHE_TTL_MS });
    return user;
  }

  forget(): void {
    this.generation++;
    this.cache.clear();
    // Requests after a key change wait for a fresh lookup, not one begun before it.
    this.pending.clear();
  }

  /** Drops cached keys whenever any instance announces a key change. */
  async listen(store: Store): Promise<() => Promise<void>> {
    return store.subscribe(AUTH_CHANNEL, () => this.forget());
  }

  /** Tells every instance (this one included) that keys changed. */
  async announceChange(store: Store): Promise<void> {
    this.forget();
    await store.publish(AUTH_CHANNEL, "keys");
  }
}
