// Builds the client and starts the system the specs drive: a fresh migrated
// database, a private Redis prefix, the fake OpenAI upstream (slow enough that
// streaming is observable) and the real server on a free port. Returns the
// teardown, which stops everything and removes the database and keys.
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { connectDatabase } from "../../../src/db.ts";
import { startFakeUpstream } from "../../../src/testing/fake-openai-upstream.ts";
import { createTestDatabase } from "../../../src/testing/test-database.ts";
import { TEST_REDIS_URL, uniqueSuffix } from "../../../src/testing/test-services.ts";
import { createUserWithKey } from "../../../src/testing/test-users.ts";
import { ANSWER_CHUNK_DELAY_MS, ANSWER_CHUNKS, answerChunk, E2E_ENV } from "./e2e-env.ts";
import { freePort } from "../../../src/testing/free-port.ts";
import { deleteRedisKeys } from "../../../src/testing/redis-keys.ts";
import { startServerProcess } from "./server-process.ts";
import { startUpstreamControl } from "./upstream-control.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const ADMIN_KEY = `pl_e2e_admin_${uniqueSuffix()}`;

function buildClient(): void {
  const result = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error("The client build failed.");
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const cleanups: Array<() => Promise<void>> = [];
  const teardown = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => console.error("e2e teardown step failed:", error));
  };
  try {
    buildClient();
    const resultsDir = path.join(ROOT, "test-results");
    mkdirSync(resultsDir, { recursive: true });

    const database = await createTestDatabase({ migrate: false });
    cleanups.push(database.drop);
    const redisPrefix = `promptlab_e2e:${uniqueSuffix()}:`;
    cleanups.push(() => deleteRedisKeys(TEST_REDIS_URL, redisPrefix));

    const baseline = { chunks: ANSWER_CHUNKS, chunkText: answerChunk, delayBetweenMs: ANSWER_CHUNK_DELAY_MS };
    const upstream = await startFakeUpstream(baseline);
    cleanups.push(upstream.close);
    const control = await startUpstreamControl(upstream, baseline);
    cleanups.push(control.close);

    const server = await startServerProcess({
      rootDir: ROOT,
      port: await freePort(),
      logPath: path.join(resultsDir, "e2e-server.log"),
      env: {
        NODE_ENV: "test",
        LOG_LEVEL: "info",
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_KEY_PREFIX: redisPrefix,
        LLM_BASE_URL: upstream.baseURL,
        OPENAI_API_KEY: "sk-e2e",
        LLM_MODEL: "gpt-4o-mini",
        SIDECAR_PORT: String(await freePort()),
        ADMIN_API_KEY: ADMIN_KEY,
        CLIENT_DIST_DIR: path.join(ROOT, "dist/client"),
      },
    });
    cleanups.push(server.stop);

    // The server migrated and seeded the database; add the specs' own users.
    const db = connectDatabase(database.url, { poolSize: 2 });
    try {
      const user = await createUserWithKey(db.prisma, { name: "E2E User" });
      const limited = await createUserWithKey(db.prisma, { name: "Limited User", rateLimitPerHour: 1 });
      process.env[E2E_ENV.userKey] = user.key;
      process.env[E2E_ENV.limitedUserKey] = limited.key;
    } finally {
      await db.close();
    }
    process.env[E2E_ENV.baseUrl] = server.url;
    process.env[E2E_ENV.databaseUrl] = database.url;
    process.env[E2E_ENV.adminKey] = ADMIN_KEY;
    process.env[E2E_ENV.upstreamControlUrl] = control.url;
    return teardown;
  } catch (error) {
    await teardown();
    throw error;
  }
}
