// The active experiment configuration, cached in memory on every instance. An
// admin change publishes on CONFIG_CHANNEL and every instance drops its copy at
// once; the short TTL is the safety net for a missed message.
import type { Db } from "../db.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";
import type { SystemMessagePolicy } from "./system-message-policy.ts";

export const CONFIG_CHANNEL = "config:changed";
const DEFAULT_TTL_MS = 5_000;
const PROMPT_VERSION_FIELDS = { id: true, version: true, systemPrompt: true, model: true, parameters: true } as const;

export interface ActivePromptVersion {
  id: string;
  version: number;
  systemPrompt: string;
  model: string;
  parameters: unknown;
}

export interface ActiveVariant {
  id: string;
  key: string;
  allocation: number;
  isControl: boolean;
  promptVersion: ActivePromptVersion | null;
  /** A newer version ramping in for `percent` of this variant's users (src/services/served-version.ts). */
  canary: { promptVersion: ActivePromptVersion; percent: number } | null;
}

export interface ActiveExperiment {
  id: string;
  key: string;
  name: string;
  status: "draft" | "running" | "paused" | "completed";
  killed: boolean;
  /** Set once completed: every user is served this variant. */
  shippedVariantKey: string | null;
  /** Configuration version; chat responses report the one they used. */
  version: number;
  /** Gateway only: the variant's system prompt replaces or precedes the caller's own (absent: the default, replace). */
  systemMessagePolicy?: SystemMessagePolicy;
  /** Stable order: the bucket ranges depend on it. */
  variants: ActiveVariant[];
}

export class ExperimentConfigCache {
  private readonly entries = new Map<string, { value: ActiveExperiment | null; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<ActiveExperiment | null>>();
  /**
   * Bumped by every invalidation. A load that started before an invalidation
   * must not cache what it read, or an instance could keep serving the old
   * configuration for a whole TTL after being told it changed.
   */
  private generation = 0;
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Db,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly ttlMs = DEFAULT_TTL_MS,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.store.subscribe(CONFIG_CHANNEL, (message) => {
      this.invalidate(message || undefined);
      this.log.debug({ experiment: message }, "experiment config invalidated");
    });
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
  }

  /** Drops one experiment's cached config, or all of them. */
  invalidate(experimentKey?: string): void {
    this.generation++;
    if (experimentKey) {
      this.entries.delete(experimentKey);
      this.loading.delete(experimentKey);
    } else {
      this.entries.clear();
      this.loading.clear();
    }
  }

  /** Tells every instance (this one included) to reload. */
  async announceChange(experimentKey: string): Promise<void> {
    this.invalidate(experimentKey);
    await this.store.publish(CONFIG_CHANNEL, experimentKey);
  }

  async get(experimentKey: string): Promise<ActiveExperiment | null> {
    const cached = this.entries.get(experimentKey);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    // Concurrent misses share one query instead of stampeding the database.
    let pending = this.loading.get(experimentKey);
    if (!pending) {
      const started = this.load(experimentKey, this.generation).finally(() => {
        if (this.loading.get(experimentKey) === started) this.loading.delete(experimentKey);
      });
      pending = started;
      this.loading.set(experimentKey, pending);
    }
    return pending;
  }

  private async load(experimentKey: string, generation: number): Promise<ActiveExperiment | null> {
    const row = await this.db.experiment.findUnique({
      where: { key: experimentKey },
      select: {
        id: true,
        key: true,
        name: true,
        status: true,
        killedAt: true,
        version: true,
        systemMessagePolicy: true,
        shippedVariant: { select: { key: true } },
        variants: {
          orderBy: [{ createdAt: "asc" }, { key: "asc" }],
          select: {
            id: true,
            key: true,
            allocation: true,
            isControl: true,
            activeVersion: { select: PROMPT_VERSION_FIELDS },
            canaryVersion: { select: PROMPT_VERSION_FIELDS },
            canaryPercent: true,
          },
        },
      },
    });
    const value: ActiveExperiment | null = row
      ? {
          id: row.id,
          key: row.key,
          name: row.name,
          status: row.status,
          killed: row.killedAt !== null,
          shippedVariantKey: row.status === "completed" ? (row.shippedVariant?.key ?? null) : null,
          version: row.version,
          systemMessagePolicy: row.systemMessagePolicy,
          variants: row.variants.map(({ activeVersion, canaryVersion, canaryPercent, ...variant }) => ({
            ...variant,
            promptVersion: activeVersion,
            canary: canaryVersion ? { promptVersion: canaryVersion, percent: canaryPercent } : null,
          })),
        }
      : null;
    if (generation === this.generation) this.entries.set(experimentKey, { value, expiresAt: Date.now() + this.ttlMs });
    return value;
  }
}
