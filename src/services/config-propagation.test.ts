// Propagation across instances: two real PromptLab processes (node --import tsx
// src/index.ts) on one PostgreSQL database and one Redis prefix. An admin
// publishes, rolls back and kills on instance A; chats on A and B are polled
// until both serve the new configuration. The time from the admin call
// returning to both instances serving it is printed and must stay under 1 s
// (the seed promises 5 s; a missed announcement would show up as the 5 s TTL).
import { performance } from "node:perf_hooks";
import { createTRPCClient, httpLink } from "@trpc/client";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connectDatabase, type Database } from "../db.ts";
import { chatMeta } from "../testing/chat-as.ts";
import { createUserWhere, variantOf } from "../testing/experiment-fixtures.ts";
import { startFakeUpstream, type FakeUpstream } from "../testing/fake-openai-upstream.ts";
import { startServerProcess, type ServerProcess } from "../testing/server-process.ts";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.ts";
import { TEST_REDIS_URL, uniqueSuffix } from "../testing/test-services.ts";
import type { AppRouter } from "../trpc/router.ts";

const ADMIN_KEY = "pl_propagation_admin_key_0123456789";
const EXPERIMENT = "propagation_check";
const TARGET_MS = 1_000;

async function stopInstance(instance: ServerProcess | undefined): Promise<void> {
  if (!instance || instance.child.exitCode !== null) return;
  instance.child.kill("SIGTERM");
  await instance.exited;
}

describe.skipIf(!inject("servicesAvailable"))("configuration propagation across two server processes", () => {
  let database: TestDatabase;
  let db: Database;
  let upstream: FakeUpstream;
  let a: ServerProcess;
  let b: ServerProcess;
  const prefix = `promptlab_test:${uniqueSuffix()}:`;
  let admin: ReturnType<typeof createTRPCClient<AppRouter>>;
  let experimentId: string;
  let treatmentVariantId: string;
  let user: { id: string; key: string };

  beforeAll(async () => {
    database = await createTestDatabase();
    upstream = await startFakeUpstream();
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      LLM_BASE_URL: upstream.baseURL,
      OPENAI_API_KEY: "sk-test",
      SIDECAR_DISABLED: "true",
      ADMIN_API_KEY: ADMIN_KEY,
    };
    [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    db = connectDatabase(database.url, { poolSize: 2 });
    admin = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${a.url}/trpc`, headers: { "x-api-key": ADMIN_KEY } })] });

    const created = await admin.admin.experiments.create.mutate({
      key: EXPERIMENT,
      name: "Propagation",
      variants: [
        { key: "control", allocation: 50, isControl: true, prompt: { systemPrompt: "control v1", model: "gpt-4o-mini" } },
        { key: "treatment", allocation: 50, prompt: { systemPrompt: "treatment v1", model: "gpt-4o-mini" } },
      ],
    });
    experimentId = created.id;
    await admin.admin.experiments.start.mutate({ experimentId, expectedVersion: created.version });
    const detail = await admin.admin.experiments.get.query({ experimentId });
    treatmentVariantId = detail.variants.find((v) => v.key === "treatment")!.id;
    user = await createUserWhere(db.prisma, (id) => variantOf(EXPERIMENT, id) === "treatment");
  }, 120_000);

  afterAll(async () => {
    await Promise.all([stopInstance(a), stopInstance(b)]);
    await db?.close();
    await upstream?.close();
    await database?.drop();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  /** Chats on one instance until `served` holds; returns when (performance.now()) its meta arrived. */
  async function firstServed(instance: ServerProcess, served: (meta: Record<string, unknown>) => boolean): Promise<number> {
    const deadline = performance.now() + 10_000;
    for (;;) {
      const meta = await chatMeta(instance, user.key, EXPERIMENT);
      const at = performance.now();
      if (served(meta)) return at;
      if (at > deadline) throw new Error(`instance ${instance.url} still serves ${JSON.stringify(meta)}`);
    }
  }

  /** Warms both caches, runs the admin action, and measures until both instances serve its result. */
  async function measure(label: string, action: () => Promise<{ version: number }>, served: (meta: Record<string, unknown>, version: number) => boolean) {
    const warm = await Promise.all([chatMeta(a, user.key, EXPERIMENT), chatMeta(b, user.key, EXPERIMENT)]);
    expect(warm[0]!.config_version).toBe(warm[1]!.config_version);
    const { version } = await action();
    const returnedAt = performance.now();
    const [atA, atB] = await Promise.all([firstServed(a, (m) => served(m, version)), firstServed(b, (m) => served(m, version))]);
    const elapsed = Math.round(Math.max(atA, atB) - returnedAt);
    console.log(`propagation (${label}): both instances served config_version ${version} ${elapsed} ms after the admin call returned (A ${Math.round(atA - returnedAt)} ms, B ${Math.round(atB - returnedAt)} ms)`);
    expect(elapsed).toBeLessThan(TARGET_MS);
    return version;
  }

  it("publishes on A; A and B serve the new version within 1 s", async () => {
    const version = await admin.admin.prompts.createVersion.mutate({ variantId: treatmentVariantId, systemPrompt: "treatment v2", model: "gpt-4o-mini" });
    const { version: current } = await admin.admin.experiments.get.query({ experimentId });
    await measure(
      "publish",
      () => admin.admin.prompts.publish.mutate({ versionId: version.id, expectedVersion: current }),
      (meta, configVersion) => meta.config_version === configVersion && meta.prompt_version_id === version.id,
    );
  });

  it("rolls back on A; A and B serve the old version within 1 s", async () => {
    const versions = await admin.admin.prompts.versions.query({ variantId: treatmentVariantId });
    const first = versions.find((v) => v.version === 1)!;
    const { version: current } = await admin.admin.experiments.get.query({ experimentId });
    await measure(
      "rollback",
      () => admin.admin.prompts.rollback.mutate({ versionId: first.id, expectedVersion: current, reason: "propagation test" }),
      (meta, configVersion) => meta.config_version === configVersion && meta.prompt_version_id === first.id,
    );
  });

  it("kills on A; A and B send the treatment user to control within 1 s", async () => {
    await measure(
      "kill",
      () => admin.admin.experiments.kill.mutate({ experimentId, reason: "propagation test" }),
      (meta, configVersion) => meta.config_version === configVersion && meta.variant === "control",
    );
    expect(a.output() + b.output()).not.toMatch(/"level":(50|60)/);
  });
});
