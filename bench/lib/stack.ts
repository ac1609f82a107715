// The system under test, each part in its own process: a fresh PostgreSQL
// database, a private Redis key prefix, the fake OpenAI upstream, the token
// sidecar and PromptLab itself (what `npm start` runs: node with
// SERVER_NODE_FLAGS and the TypeScript module hooks on src/index.ts), plus bench
// users whose hourly limit is high enough to be counted but never hit.
// close() stops everything and removes the database and the Redis keys.
import { copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { connectDatabase, type Database } from "../../src/db.ts";
import { freePort } from "../../src/testing/free-port.ts";
import { providerEnvFor } from "../../src/testing/fake-openai-upstream.ts";
import { deleteRedisKeys } from "../../src/testing/redis-keys.ts";
import { createTestDatabase, type TestDatabase } from "../../src/testing/test-database.ts";
import { TEST_REDIS_URL, uniqueSuffix } from "../../src/testing/test-services.ts";
import { createUserWithKey } from "../../src/testing/test-users.ts";
import { summarizeCpuProfile, type ProfileSummary } from "./cpu-profile.ts";
import { spawnNode, spawnPromptLab, waitForHealthy, type NodeProcess } from "./processes.ts";
import { ROOT } from "./results.ts";
import { startUpstreamProcess, type UpstreamProcess, type UpstreamSettings } from "./upstream.ts";

export const BENCH_ADMIN_KEY = "pl_bench_admin_key_0123456789abcdef";
/** Counted on every chat, never reached. */
const BENCH_RATE_LIMIT_PER_HOUR = 1_000_000_000;

export interface BenchUser {
  id: string;
  key: string;
}

export interface RuntimeMetrics {
  pid: number;
  gc_ran: boolean;
  memory: { rss: number; heap_used: number; heap_total: number; external: number; array_buffers: number };
  cpu_us: { user: number; system: number };
  event_loop_delay_ms: { min: number; p50: number; p99: number; max: number; samples: number };
  gc_pauses_ms: Record<string, { count: number; total_ms: number; max_ms: number }>;
  in_flight_chats: number;
  feedback_writes: { batches: number; ratings: number };
}

/** How a benchmark that compares PromptLab with a baseline runs its server. */
export interface ServerRunOptions {
  /** Reuse a running stack (the smoke test); otherwise one is started and stopped. */
  stack?: Stack;
  cpuProfile?: boolean;
  /** Extra node flags for the server process (tuning experiments, e.g. --max-semi-space-size=64). */
  serverFlags?: string[];
  /** A copy of the code from before a change: its server runs as a third side, for a same-run before/after. */
  beforeRoot?: string;
  /**
   * The server speaks HTTP/2 to the upstream (LLM_HTTP2). A `beforeRoot`
   * server keeps HTTP/1.1 (older code has no HTTP/2), so a `beforeRoot` of the
   * same tree compares the two protocols in one run.
   */
  upstreamHttp2?: boolean;
}

export interface StackOptions {
  users?: number;
  upstream?: UpstreamSettings;
  /** The server speaks HTTP/2 to the upstream (LLM_HTTP2, h2c); benchmarks' direct requests stay on HTTP/1.1. */
  upstreamHttp2?: boolean;
  /** Write a V8 CPU profile of the server, summarised at close(). */
  cpuProfile?: boolean;
  /** Also keep the raw profile here (open it in Chrome DevTools' Performance panel). */
  keepProfileAs?: string;
  /** Extra server environment. */
  env?: Record<string, string>;
  /** Extra node flags for the server (e.g. --heapsnapshot-signal=SIGUSR2). */
  nodeFlags?: string[];
}

export interface Stack {
  url: string;
  adminKey: string;
  users: BenchUser[];
  upstream: UpstreamProcess;
  /** The server reaches the upstream over HTTP/2 (LLM_HTTP2). */
  upstreamHttp2: boolean;
  sidecar: NodeProcess;
  sidecarUrl: string;
  server: NodeProcess;
  database: Database;
  databaseName: string;
  redisPrefix: string;
  runtime(query?: string): Promise<RuntimeMetrics>;
  /**
   * Another PromptLab process on the same database, Redis, sidecar and upstream,
   * run from another copy of the code (a snapshot taken before a change), so a
   * benchmark can compare two versions in alternating rounds of one run. It
   * reaches the upstream over HTTP/1.1 whatever the stack's server does.
   */
  startServerFrom(root: string): Promise<{ url: string; process: NodeProcess; runtime(query?: string): Promise<RuntimeMetrics> }>;
  /** Stops everything; returns the CPU profile summary when one was asked for. */
  close(): Promise<ProfileSummary | null>;
}

async function startServer(root: string, env: Record<string, string>, profileDir: string | null, extraFlags: string[]) {
  const port = await freePort();
  const server = spawnPromptLab(root, {
    nodeFlags: ["--expose-gc", ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), ...extraFlags],
    env: { ...env, PORT: String(port) },
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealthy(`${url}/health`, server);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url, process: server };
}

/** What each PromptLab side of a run speaks to the upstream, for the result file. */
export function upstreamProtocols(stack: Stack, withBefore: boolean) {
  return { promptlab: stack.upstreamHttp2 ? "HTTP/2 (h2c)" : "HTTP/1.1", ...(withBefore ? { before: "HTTP/1.1" } : {}) };
}

export async function runtimeOf(url: string, query: string): Promise<RuntimeMetrics> {
  const response = await fetch(`${url}/internal/runtime${query}`, { headers: { "x-api-key": BENCH_ADMIN_KEY } });
  if (!response.ok) throw new Error(`/internal/runtime answered ${response.status}`);
  return (await response.json()) as RuntimeMetrics;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => {});
  };
  try {
    const testDatabase: TestDatabase = await createTestDatabase();
    cleanups.push(() => testDatabase.drop());
    const redisPrefix = `promptlab_bench:${uniqueSuffix()}:`;
    cleanups.push(() => deleteRedisKeys(TEST_REDIS_URL, redisPrefix));

    const upstream = await startUpstreamProcess(options.upstream ?? {}, { h2c: options.upstreamHttp2 ?? false });
    cleanups.push(() => upstream.close());

    const sidecarPort = await freePort();
    const sidecar = spawnNode(path.join(ROOT, "sidecar/index.ts"), {
      // One worker: the stack benchmarks count little, and a second idle process
      // on two shared cores would only change what they measured before.
      env: { SIDECAR_PORT: String(sidecarPort), SIDECAR_HOST: "127.0.0.1", SIDECAR_WORKERS: "1", NODE_ENV: "production" },
    });
    cleanups.push(() => sidecar.stop());
    const sidecarUrl = `http://127.0.0.1:${sidecarPort}`;
    await waitForHealthy(`${sidecarUrl}/health`, sidecar);

    const profileDir = options.cpuProfile ? await mkdtemp(path.join(os.tmpdir(), "promptlab-cpu-")) : null;
    if (profileDir) cleanups.push(() => rm(profileDir, { recursive: true, force: true }));
    const serverEnv = {
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      DATABASE_URL: testDatabase.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix,
      ...providerEnvFor(upstream),
      OPENAI_API_KEY: "sk-bench",
      LLM_MODEL: "gpt-4o-mini",
      SIDECAR_URL: sidecarUrl,
      ADMIN_API_KEY: BENCH_ADMIN_KEY,
      ...options.env,
    };
    const { url, process: server } = await startServer(ROOT, serverEnv, profileDir, options.nodeFlags ?? []);
    cleanups.push(() => server.stop());

    const database = connectDatabase(testDatabase.url, { poolSize: 2 });
    cleanups.push(() => database.close());
    const users: BenchUser[] = [];
    for (let i = 0; i < (options.users ?? 20); i++) {
      users.push(await createUserWithKey(database.prisma, { name: `Bench ${i}`, rateLimitPerHour: BENCH_RATE_LIMIT_PER_HOUR }));
    }

    return {
      url,
      adminKey: BENCH_ADMIN_KEY,
      upstreamHttp2: upstream.h2cBaseURL !== null,
      users,
      upstream,
      sidecar,
      sidecarUrl,
      server,
      database,
      databaseName: testDatabase.name,
      redisPrefix,
      runtime: (query = "") => runtimeOf(url, query),
      async startServerFrom(root) {
        const extra = await startServer(root, { ...serverEnv, ...providerEnvFor({ baseURL: upstream.baseURL, h2cBaseURL: null }) }, null, []);
        cleanups.push(() => extra.process.stop());
        return { url: extra.url, process: extra.process, runtime: (query = "") => runtimeOf(extra.url, query) };
      },
      async close() {
        // The server first, so its CPU profile is written before the temporary folder goes.
        await server.stop();
        let profile: ProfileSummary | null = null;
        if (profileDir) {
          const file = (await readdir(profileDir)).find((name) => name.endsWith(".cpuprofile"));
          if (file) profile = await summarizeCpuProfile(path.join(profileDir, file));
          if (file && options.keepProfileAs) await copyFile(path.join(profileDir, file), options.keepProfileAs);
        }
        await cleanup();
        return profile;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
