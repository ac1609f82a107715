// Resolves an x-api-key header to a user. Lookups go by hash; a short in-memory
// cache keeps the database off the hot path. A key change (revocation, expiry,
// role) is announced on AUTH_CHANNEL and every instance drops its cache at
// once; the 1 s TTL bounds staleness even if a message is lost.
import type { Db } from "../db.ts";
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

export class Authenticator {
  private readonly cache = new Map<string, { user: AuthUser; expiresAt: number }>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(apiKey: string | undefined): Promise<AuthUser> {
    if (!apiKey || !isWellFormedApiKey(apiKey)) throw new UnauthorizedError();
    const keyHash = hashApiKey(apiKey);
    const cached = this.cache.get(keyHash);
    if (cached && cached.expiresAt > this.now()) return cached.user;

    const row = await this.db.apiKey.findUnique({
      where: { keyHash },
      select: {
        id: true,
        keyHash: true,
        expiresAt: true,
        revokedAt: true,
        user: {
          select: { id: true, name: true, role: true, rateLimitPerHour: true, rateLimitAlgorithm: true, dailyTokenBudget: true },
        },
      },
    });
    const nowDate = new Date(this.now());
    if (
      !row ||
      !hashesEqual(row.keyHash, keyHash) ||
      row.revokedAt !== null ||
      (row.expiresAt !== null && row.expiresAt <= nowDate)
    ) {
      this.cache.delete(keyHash);
      throw new UnauthorizedError();
    }
    const user: AuthUser = { ...row.user, apiKeyId: row.id };
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(keyHash, { user, expiresAt: this.now() + CACHE_TTL_MS });
    return user;
  }

  forget(): void {
    this.cache.clear();
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
