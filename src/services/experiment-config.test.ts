// The per-instance config cache: an announcement reaches every cache on the
// store, the TTL is the safety net, and a load that read the old row before an
// invalidation never caches it (else an instance could serve the old version
// for a whole TTL after being told of the change).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pino } from "pino";
import { connectDatabase, type Database, type Db } from "../db.ts";
import { seedDatabase } from "../db/seed.ts";
import { MemoryStore } from "../store/memory-store.ts";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.ts";
import { ExperimentConfigCache } from "./experiment-config.ts";

const KEY = "system_prompt_style";
const log = pino({ level: "silent" });

describe.skipIf(!inject("servicesAvailable"))("ExperimentConfigCache", () => {
  let testDb: TestDatabase;
  let database: Database;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = connectDatabase(testDb.url, { poolSize: 4 });
    await seedDatabase(database.prisma, { model: "gpt-4o-mini" });
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  const bump = () => database.prisma.experiment.update({ where: { key: KEY }, data: { version: { increment: 1 } }, select: { version: true } });

  it("drops every cache's copy when one announces a change", async () => {
    const store = new MemoryStore();
    const [a, b] = [new ExperimentConfigCache(database.prisma, store, log, 60_000), new ExperimentConfigCache(database.prisma, store, log, 60_000)];
    await Promise.all([a.start(), b.start()]);
    const before = (await b.get(KEY))!.version;
    const { version } = await bump();
    expect((await b.get(KEY))!.version).toBe(before); // cached
    await a.announceChange(KEY);
    await expect.poll(async () => (await b.get(KEY))!.version).toBe(version);
    await Promise.all([a.stop(), b.stop(), store.close()]);
  });

  it("reloads after the TTL even without an announcement", async () => {
    const cache = new ExperimentConfigCache(database.prisma, new MemoryStore(), log, 200);
    const before = (await cache.get(KEY))!.version;
    const { version } = await bump();
    expect((await cache.get(KEY))!.version).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await cache.get(KEY))!.version).toBe(version);
  });

  it("does not cache a load that read the old row before an invalidation", async () => {
    let readDone = false;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The real database, with the answer delivered late: the read happens before the change.
    const slowDb = {
      experiment: {
        findUnique: async (args: Parameters<Db["experiment"]["findUnique"]>[0]) => {
          const row = await database.prisma.experiment.findUnique(args);
          readDone = true;
          await gate;
          return row;
        },
      },
    } as unknown as Db;
    const cache = new ExperimentConfigCache(slowDb, new MemoryStore(), log, 60_000);
    const inFlight = cache.get(KEY);
    await expect.poll(() => readDone).toBe(true);
    const { version } = await bump();
    cache.invalidate(KEY);
    release();
    expect((await inFlight)!.version).toBe(version - 1); // that request began before the change
    expect((await cache.get(KEY))!.version).toBe(version);
  });
});
