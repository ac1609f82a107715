// The active experiment configuration, cached in memory on every instance. An
// admin change publishes on CONFIG_CHANNEL and every instance drops its copy at
// once; the short TTL is the safety net for a missed message.
import type { Db } from "../db.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";

export const CONFIG_CHANNEL = "config:changed";
const DEFAULT_TTL_MS = 5_000;

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
}

export interface ActiveExperiment {
  id: string;
  key: string;
  name: string;
  status: "draft" | "running" | "paused" | "completed";
  killed: boolean;
  /** Configuration version; chat responses report the one they used. */
  version: number;
  /** Stable order: the bucket ranges depend on it. */
  variants: ActiveVariant[];
}

export class ExperimentConfigCache {
  private readonly entries = new Map<string, { value: ActiveExperiment | null; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<ActiveExperiment | null>>();
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
    if (experimentKey) this.entries.delete(experimentKey);
    else this.entries.clear();
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
      pending = this.load(experimentKey).finally(() => this.loading.delete(experimentKey));
      this.loading.set(experimentKey, pending);
    }
    return pending;
  }

  private async load(experimentKey: string): Promise<ActiveExperiment | null> {
    const row = await this.db.experiment.findUnique({
      where: { key: experimentKey },
      select: {
        id: true,
        key: true,
        name: true,
        status: true,
        killedAt: true,
        version: true,
        variants: {
          orderBy: [{ createdAt: "asc" }, { key: "asc" }],
          select: {
            id: true,
            key: true,
            allocation: true,
            isControl: true,
            activeVersion: {
              select: { id: true, version: true, systemPrompt: true, model: true, parameters: true },
            },
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
          version: row.version,
          variants: row.variants.map(({ activeVersion, ...variant }) => ({
            ...variant,
            promptVersion: activeVersion,
          })),
        }
      : null;
    this.entries.set(experimentKey, { value, expiresAt: Date.now() + this.ttlMs });
    return value;
  }
}
