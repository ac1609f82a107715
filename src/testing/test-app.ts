// The real PromptLab server for integration tests: booted through the same
// bootstrap as production, on a fresh database, a private Redis key prefix, an
// in-process sidecar and the fake OpenAI upstream, listening on port 0.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DestinationStream } from "pino";
import { createApp } from "../app.ts";
import { bootstrap, type Runtime } from "../bootstrap.ts";
import { parseConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { createSidecarServer } from "../../sidecar/app.ts";
import { providerEnvFor, startFakeUpstream, type FakeUpstream, type FakeUpstreamBehaviour } from "./fake-openai-upstream.ts";
import { deleteRedisKeys } from "./redis-keys.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";
import { createTestDatabase, type TestDatabase } from "./test-database.ts";
import { TEST_REDIS_URL, uniqueSuffix } from "./test-services.ts";

export const TEST_ADMIN_KEY = "pl_test_admin_key_0123456789abcdef";
export const TEST_USER_KEY = "test-key-123";

export interface TestApp {
  url: string;
  runtime: Runtime;
  upstream: FakeUpstream;
  database: TestDatabase;
  databaseProxy: TcpProxy | null;
  redisPrefix: string;
  /** Stops the in-process sidecar, to test the fallback. */
  stopSidecar(): Promise<void>;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

export async function startTestApp(
  options: {
    upstream?: Partial<FakeUpstreamBehaviour>;
    /** The server speaks HTTP/2 (h2c) to the fake upstream. */
    upstreamHttp2?: boolean;
    env?: Record<string, string>;
    /** Route the server's database connections through a proxy the test can cut. */
    proxyDatabase?: boolean;
    /** Receives the server's log lines (at LOG_LEVEL, silent unless env or TEST_LOG_LEVEL says otherwise). */
    logTo?: DestinationStream;
  } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const upstream = await startFakeUpstream(options.upstream, { h2c: options.upstreamHttp2 ?? false });
  const sidecar = createSidecarServer();
  const sidecarPort = await listen(sidecar);
  const redisPrefix = `promptlab_test:${uniqueSuffix()}:`;
  const databaseUrl = new URL(database.url);
  const databaseProxy = options.proxyDatabase
    ? await startTcpProxy(databaseUrl.hostname, Number(databaseUrl.port || 5432))
    : null;
  if (databaseProxy) databaseUrl.port = String(databaseProxy.port);

  const config = parseConfig({
    NODE_ENV: "test",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    DATABASE_URL: databaseUrl.toString(),
    DATABASE_POOL_SIZE: "10",
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    ...providerEnvFor(upstream),
    OPENAI_API_KEY: "sk-test",
    LLM_MODEL: "gpt-4o-mini",
    SIDECAR_URL: `http://127.0.0.1:${sidecarPort}`,
    // The in-process sidecar shares this process's event loop with the server and
    // the test; on a loaded machine 150 ms is not always enough, and a fallback
    // estimate would fail tests that are not about the sidecar.
    SIDECAR_TIMEOUT_MS: "2000",
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    CLIENT_DIST_DIR: "dist/client",
    ...options.env,
  });
  const log = createLogger({ level: config.LOG_LEVEL, pretty: false, ...(options.logTo ? { destination: options.logTo } : {}) });
  const runtime = await bootstrap(config, log);
  const server = createApp(runtime.deps);
  const port = await listen(server);

  let sidecarOpen = true;
  const stopSidecar = async () => {
    if (!sidecarOpen) return;
    sidecarOpen = false;
    sidecar.closeAllConnections();
    await new Promise<void>((resolve) => sidecar.close(() => resolve()));
  };

  return {
    url: `http://127.0.0.1:${port}`,
    runtime,
    upstream,
    database,
    databaseProxy,
    redisPrefix,
    stopSidecar,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.close();
      await Promise.all([upstream.close(), stopSidecar(), databaseProxy?.close()]);
      await Promise.all([database.drop(), deleteRedisKeys(TEST_REDIS_URL, redisPrefix)]);
    },
  };
}
