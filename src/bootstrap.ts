// Builds the running system from a parsed config: the database (embedded when
// DATABASE_URL is unset), migrations and seed data, the store (in-process when
// REDIS_URL is unset), the sidecar (spawned when SIDECAR_URL is unset) and the
// LLM provider (the simulator when none is configured). Tests call this too,
// with their own database, Redis prefix and fake upstream.
import { usesSimulator, type Config } from "./config.ts";
import { connectDatabase } from "./db.ts";
import { applyMigrations } from "./db/migrations.ts";
import { seedDatabase } from "./db/seed.ts";
import { createDeps, type AppDeps } from "./deps.ts";
import { startEmbeddedPostgres } from "./embedded/embedded-postgres.ts";
import { startSidecarProcess } from "./embedded/sidecar-process.ts";
import type { Logger } from "./logger.ts";
import { OpenAiProvider } from "./services/llm/openai-provider.ts";
import type { LlmProvider } from "./services/llm/provider.ts";
import { ResilientProvider, type ProviderRoute } from "./services/llm/resilient-provider.ts";
import { SimulatorProvider } from "./services/llm/simulator-provider.ts";
import { createTokenCounter } from "./services/token-counter.ts";
import { MemoryStore } from "./store/memory-store.ts";
import { RedisStore } from "./store/redis-store.ts";
import type { Store } from "./store/store.ts";

export interface Runtime {
  deps: AppDeps;
  /** Set only on the start that created the admin user without ADMIN_API_KEY. */
  generatedAdminKey: string | null;
  close(): Promise<void>;
}

function createProvider(config: Config, log: Logger): LlmProvider {
  if (usesSimulator(config)) {
    log.warn(
      { provider: "simulator" },
      "no LLM configured (OPENAI_API_KEY / LLM_BASE_URL): answers come from the built-in SIMULATOR, not a model",
    );
    return new SimulatorProvider();
  }
  const routes: ProviderRoute[] = [
    {
      provider: new OpenAiProvider({
        name: config.LLM_PROVIDER_NAME,
        ...(config.LLM_BASE_URL ? { baseURL: config.LLM_BASE_URL } : {}),
        ...(config.OPENAI_API_KEY ? { apiKey: config.OPENAI_API_KEY } : {}),
        timeoutMs: config.LLM_STREAM_TIMEOUT_MS,
        http2: config.LLM_HTTP2,
      }),
    },
  ];
  if (config.LLM_FALLBACK_BASE_URL) {
    routes.push({
      provider: new OpenAiProvider({
        name: config.LLM_FALLBACK_NAME,
        baseURL: config.LLM_FALLBACK_BASE_URL,
        ...(config.LLM_FALLBACK_API_KEY ? { apiKey: config.LLM_FALLBACK_API_KEY } : {}),
        timeoutMs: config.LLM_STREAM_TIMEOUT_MS,
        http2: config.LLM_FALLBACK_HTTP2,
      }),
      ...(config.LLM_FALLBACK_MODEL ? { model: config.LLM_FALLBACK_MODEL } : {}),
    });
  }
  return new ResilientProvider(routes, log, {
    firstTokenTimeoutMs: config.LLM_FIRST_TOKEN_TIMEOUT_MS,
    maxAttempts: config.LLM_MAX_ATTEMPTS,
    breakerFailures: config.LLM_BREAKER_FAILURES,
    breakerHalfOpenAfterMs: config.LLM_BREAKER_COOLDOWN_MS,
  });
}

export async function bootstrap(config: Config, log: Logger): Promise<Runtime> {
  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => log.error({ err: error }, "shutdown step failed"));
  };
  try {
    // The sidecar boots (its own node process, tiktoken's WASM) while the
    // database starts and migrates, instead of after it.
    const sidecarStarting =
      !config.SIDECAR_URL && !config.SIDECAR_DISABLED ? startSidecarProcess({ port: config.SIDECAR_PORT, log }) : null;
    if (sidecarStarting) cleanups.push(async () => (await sidecarStarting).stop());

    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT, log });
      cleanups.push(embedded.stop);
      databaseUrl = embedded.url;
    }
    const applied = await applyMigrations(databaseUrl, log);
    if (applied.length > 0) log.info({ migrations: applied }, "database migrated");

    const database = connectDatabase(databaseUrl, {
      poolSize: config.DATABASE_POOL_SIZE,
      connectionTimeoutMs: config.DATABASE_POOL_TIMEOUT_MS,
    });
    cleanups.push(database.close);
    const { generatedAdminKey } = await seedDatabase(database.prisma, {
      adminApiKey: config.ADMIN_API_KEY,
      model: config.LLM_MODEL,
    });

    const store: Store = config.REDIS_URL
      ? RedisStore.connect(config.REDIS_URL, config.REDIS_KEY_PREFIX)
      : new MemoryStore();
    cleanups.push(() => store.close());
    if (store.kind === "memory") log.info("no REDIS_URL: using the in-process store (single instance only)");

    const sidecarUrl = config.SIDECAR_URL ?? (sidecarStarting ? (await sidecarStarting).url : null);
    const tokenCounter = createTokenCounter({ baseUrl: sidecarUrl, timeoutMs: config.SIDECAR_TIMEOUT_MS, log });

    const provider = createProvider(config, log);
    cleanups.push(async () => provider.close?.());
    const deps = createDeps({ config, database, store, log, provider, tokenCounter });
    // Cleanups run in reverse, so accepted ratings are written before the database closes.
    cleanups.push(() => deps.feedbackWriter.close());
    cleanups.push(() => deps.messageWriter.close());
    await deps.experiments.start();
    cleanups.push(() => deps.experiments.stop());
    deps.guardrails.start();
    cleanups.push(() => deps.guardrails.stop());
    cleanups.push(() => deps.rateLimiter.close());
    cleanups.push(await deps.auth.listen(store));
    return { deps, generatedAdminKey, close };
  } catch (error) {
    await close();
    throw error;
  }
}
