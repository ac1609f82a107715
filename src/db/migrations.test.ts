// applyMigrations against a real PostgreSQL: each test gets its own database
// (promptlab_test_mig_*), all dropped in afterAll. Prisma's own engine is used
// as the referee for "compatible with prisma migrate".
import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, type MigrationLog } from "./migrations.ts";
import { loadMigrationList, withSchemaEngine } from "./schema-diff.ts";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DATABASE_PREFIX = `promptlab_test_mig_${randomBytes(4).toString("hex")}`;
const databases: string[] = [];
const tempDirs: string[] = [];

const COMMITTED = readdirSync(DEFAULT_MIGRATIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const FIRST = COMMITTED[0] ?? "";

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function freshDatabase(): Promise<string> {
  const name = `${DATABASE_PREFIX}_${databases.length}`;
  await withClient(ADMIN_URL, (client) => client.query(`CREATE DATABASE "${name}"`));
  databases.push(name);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A writable copy of the committed migrations, plus optional extra ones. */
function migrationsCopy(extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "promptlab-migrations-"));
  tempDirs.push(dir);
  cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

function sha256File(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

function recordingLog(): MigrationLog & { messages: string[] } {
  const messages: string[] = [];
  return { messages, info: (_obj: object, msg?: string) => void messages.push(msg ?? "") };
}

interface Row {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

const rowsOf = (url: string) =>
  withClient(url, async (client) => (await client.query<Row>("SELECT * FROM _prisma_migrations ORDER BY migration_name")).rows);

afterAll(async () => {
  await withClient(ADMIN_URL, async (client) => {
    for (const name of databases) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe("applyMigrations", { timeout: 60_000 }, () => {
  it("finds the committed migrations", () => {
    expect(COMMITTED).toContain("20261127000000_init");
  });

  it("creates every table on a fresh database and records each migration like Prisma", async () => {
    const url = await freshDatabase();
    const log = recordingLog();

    expect(await applyMigrations(url, log)).toEqual(COMMITTED);

    const tables = await withClient(url, async (client) =>
      (await client.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"))
        .rows.map((row) => row.tablename));
    expect(tables).toEqual([
      "_prisma_migrations", "api_keys", "audit_log", "conversations", "experiments",
      "feedback", "messages", "prompt_versions", "users", "variants",
    ]);

    const rows = await rowsOf(url);
    expect(rows.map((row) => row.migration_name)).toEqual(COMMITTED);
    for (const row of rows) {
      expect(row.checksum).toBe(sha256File(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, "migration.sql")));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(log.messages).toContain("applied migration");
  });

  it("applies nothing the second time", async () => {
    const url = await freshDatabase();
    await applyMigrations(url);

    expect(await applyMigrations(url)).toEqual([]);
    expect(await rowsOf(url)).toHaveLength(COMMITTED.length);
  });

  it("applies each migration once when two processes start together", async () => {
    const url = await freshDatabase();
    // A slow migration keeps the first caller inside the lock long enough for
    // the second to have to wait, so the race is real rather than lucky.
    const dir = migrationsCopy({ "29991231000000_slow": "SELECT pg_sleep(1);\nCREATE TABLE slow_marker (id INTEGER);\n" });
    const logs = [recordingLog(), recordingLog()];

    const results = await Promise.all(logs.map((log) => applyMigrations(url, log, dir)));

    expect(results.flat().sort()).toEqual([...COMMITTED, "29991231000000_slow"]);
    expect(logs.flatMap((log) => log.messages)).toContain("waiting for another process to finish migrating");
    const names = (await rowsOf(url)).map((row) => row.migration_name);
    expect(names).toEqual([...COMMITTED, "29991231000000_slow"]);
  });

  it("refuses when an applied migration's recorded checksum no longer matches its file", async () => {
    const url = await freshDatabase();
    await applyMigrations(url);
    await withClient(url, (client) =>
      client.query("UPDATE _prisma_migrations SET checksum = $1 WHERE migration_name = $2", ["0".repeat(64), FIRST]));

    await expect(applyMigrations(url)).rejects.toThrow(`Migration "${FIRST}" was modified after it was applied`);
  });

  it("refuses when an applied migration's file was edited, but tolerates CRLF line endings as Prisma does", async () => {
    const url = await freshDatabase();
    const dir = migrationsCopy();
    await applyMigrations(url, undefined, dir);
    const file = path.join(dir, FIRST, "migration.sql");

    writeFileSync(file, readFileSync(file, "utf8").replaceAll("\n", "\r\n"));
    expect(await applyMigrations(url, undefined, dir)).toEqual([]);

    appendFileSync(file, "-- an innocent-looking edit\r\n");
    await expect(applyMigrations(url, undefined, dir)).rejects.toThrow(/was modified after it was applied/);
  });

  it("refuses when a migration is recorded as failed", async () => {
    const url = await freshDatabase();
    await applyMigrations(url);
    await withClient(url, (client) =>
      client.query("UPDATE _prisma_migrations SET finished_at = NULL, logs = 'boom' WHERE migration_name = $1", [FIRST]));

    await expect(applyMigrations(url)).rejects.toThrow(`Migration "${FIRST}" is recorded as failed`);
  });

  it("refuses when a recorded migration is missing from the folder", async () => {
    const url = await freshDatabase();
    const dir = migrationsCopy({ "29991231000000_extra": "CREATE TABLE extra_marker (id INTEGER);\n" });
    await applyMigrations(url, undefined, dir);
    rmSync(path.join(dir, "29991231000000_extra"), { recursive: true });

    await expect(applyMigrations(url, undefined, dir)).rejects.toThrow(`Migration "29991231000000_extra" is recorded as applied but is missing`);
  });

  it("rolls back a failing migration and records nothing for it", async () => {
    const url = await freshDatabase();
    const dir = migrationsCopy({ "29991231000000_bad": "CREATE TABLE half_done (id INTEGER);\nSELECT 1/0;\n" });

    await expect(applyMigrations(url, undefined, dir)).rejects.toThrow(/Migration "29991231000000_bad" failed and was rolled back: division by zero/);

    const names = (await rowsOf(url)).map((row) => row.migration_name);
    expect(names).toEqual(COMMITTED);
    const halfDone = await withClient(url, async (client) => (await client.query("SELECT to_regclass('half_done') AS t")).rows[0]?.t);
    expect(halfDone).toBeNull();
  });

  it("refuses a populated database that has no migration history", async () => {
    const url = await freshDatabase();
    await withClient(url, (client) => client.query("CREATE TABLE legacy (id INTEGER)"));

    await expect(applyMigrations(url)).rejects.toThrow(/already has tables \(legacy\) but no _prisma_migrations table/);
  });
});

describe("compatibility with Prisma Migrate (its wasm schema engine as referee)", { timeout: 60_000 }, () => {
  const describeTable = (url: string) =>
    withClient(url, async (client) => (await client.query(
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default, ordinal_position
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    )).rows.concat((await client.query(
      `SELECT conname, contype::text, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE conrelid = '_prisma_migrations'::regclass ORDER BY conname`,
    )).rows));

  it("creates the same table and checksums as Prisma's engine, and each accepts the other's history", async () => {
    const ours = await freshDatabase();
    const prisma = await freshDatabase();
    const migrationsList = await loadMigrationList(DEFAULT_MIGRATIONS_DIR);
    const schema = { path: "schema.prisma", content: readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, "..", "schema.prisma"), "utf8") };
    const filters = { externalTables: [], externalEnums: [] };

    await applyMigrations(ours);
    const prismaApplied = await withSchemaEngine({ connectionString: prisma, serverUrl: ADMIN_URL, schema }, (engine) =>
      engine.applyMigrations({ migrationsList, filters }));
    expect(prismaApplied.appliedMigrationNames).toEqual(COMMITTED);

    expect(await describeTable(ours)).toEqual(await describeTable(prisma));
    const checksums = async (url: string) => (await rowsOf(url)).map((row) => [row.migration_name, row.checksum, row.applied_steps_count]);
    expect(await checksums(ours)).toEqual(await checksums(prisma));

    // Prisma reading our history: nothing edited, nothing failed, nothing pending.
    const diagnosis = await withSchemaEngine({ connectionString: ours, serverUrl: ADMIN_URL, schema }, (engine) =>
      engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters }));
    expect(diagnosis).toMatchObject({ editedMigrationNames: [], failedMigrationNames: [], hasMigrationsTable: true, history: null });

    // And us reading Prisma's.
    expect(await applyMigrations(prisma)).toEqual([]);
  });

  it("agrees with Prisma's engine about an edited migration", async () => {
    const url = await freshDatabase();
    const dir = migrationsCopy();
    await applyMigrations(url, undefined, dir);
    appendFileSync(path.join(dir, FIRST, "migration.sql"), "-- edited\n");
    const schema = { path: "schema.prisma", content: readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, "..", "schema.prisma"), "utf8") };

    const diagnosis = await withSchemaEngine({ connectionString: url, serverUrl: ADMIN_URL, schema }, async (engine) =>
      engine.diagnoseMigrationHistory({
        migrationsList: await loadMigrationList(dir),
        optInToShadowDatabase: false,
        filters: { externalTables: [], externalEnums: [] },
      }));

    expect(diagnosis.editedMigrationNames).toEqual([FIRST]);
    await expect(applyMigrations(url, undefined, dir)).rejects.toThrow(FIRST);
  });
});
