// Applies prisma/migrations/*/migration.sql at startup, keeping the same
// `_prisma_migrations` bookkeeping that `prisma migrate deploy` keeps, so either
// tool can pick up where the other left off. The table DDL, the advisory lock id
// and the checksum rules are copied from Prisma's schema engine (7.10,
// sql-schema-connector: postgres.rs, checksum.rs, apply_migrations.rs).
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

/** Prisma Migrate's lock key; any tool taking it is serialised with `prisma migrate`. */
export const PRISMA_ADVISORY_LOCK_ID = 72707369;

/** Byte-for-byte what Prisma runs, so `migrate status` finds the table it expects. */
export const PRISMA_MIGRATIONS_TABLE_DDL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;

export interface MigrationLog {
  info(obj: object, msg?: string): void;
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationsFolder {
  /** Content of migration_lock.toml, or null when there is none. */
  lockfile: string | null;
  migrations: MigrationFile[];
}

/** Prisma hashes the script as UTF-8 text (it reads the file with `utf-8`). */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/**
 * Prisma accepts a recorded checksum when the file matches it with either line
 * ending (git may rewrite them on checkout), and accepts the unpadded hex that
 * old engine versions wrote.
 */
export function checksumMatches(sql: string, recorded: string): boolean {
  const variants = [sql, sql.replaceAll("\r\n", "\n"), sql.replaceAll("\n", "\r\n")];
  return variants.some((variant) => {
    const digest = createHash("sha256").update(variant, "utf8").digest();
    const hex = recorded.length !== 0 && recorded.length !== 64
      ? Array.from(digest, (byte) => byte.toString(16)).join("")
      : digest.toString("hex");
    return hex === recorded;
  });
}

/** Every sub-folder is a migration, in name order, as Prisma's CLI lists them. */
export async function readMigrationsFolder(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationsFolder> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  const lockfile = await readFile(path.join(dir, "migration_lock.toml"), "utf8").catch(() => null);
  const names = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const file = path.join(dir, name, "migration.sql");
    const sql = await readFile(file, "utf8").catch((error: Error) => {
      throw new Error(`Migration "${name}" has no readable migration.sql (${file}): ${error.message}`);
    });
    migrations.push({ name, sql, checksum: migrationChecksum(sql) });
  }
  return { lockfile, migrations };
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  started_at: Date;
  logs: string | null;
}

/**
 * Applies every migration not yet recorded, each in its own transaction, and
 * returns the names applied by this call. Refuses to run when the recorded
 * history and the folder disagree, because applying on top of an unknown state
 * is how schemas drift.
 */
export async function applyMigrations(
  connectionString: string,
  log?: MigrationLog,
  migrationsDir: string = DEFAULT_MIGRATIONS_DIR,
): Promise<string[]> {
  const folder = await readMigrationsFolder(migrationsDir);
  assertPostgresLockfile(folder.lockfile, migrationsDir);

  const client = new pg.Client({ connectionString });
  // A dropped connection during a migration surfaces as the failed query; the
  // listener only keeps the process from crashing on the emitted event.
  client.on("error", () => {});
  await client.connect();
  try {
    await acquireLock(client, log);
    try {
      await ensureMigrationsTable(client);
      const rows = (await client.query<MigrationRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at, started_at, logs
           FROM _prisma_migrations ORDER BY started_at`,
      )).rows;
      const applied = checkHistory(rows, folder.migrations, migrationsDir);
      const pending = folder.migrations.filter((migration) => !applied.has(migration.name));
      const done: string[] = [];
      for (const migration of pending) {
        await applyOne(client, migration, log);
        done.push(migration.name);
      }
      return done;
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK_ID]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

function assertPostgresLockfile(lockfile: string | null, dir: string): void {
  if (lockfile === null) return;
  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(lockfile)?.[1];
  if (provider !== undefined && provider !== "postgresql") {
    throw new Error(`${path.join(dir, "migration_lock.toml")} says the migrations were written for "${provider}", not "postgresql".`);
  }
}

async function acquireLock(client: pg.Client, log?: MigrationLog): Promise<void> {
  const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [PRISMA_ADVISORY_LOCK_ID]);
  if (rows[0]?.locked) return;
  log?.info({ lockId: PRISMA_ADVISORY_LOCK_ID }, "waiting for another process to finish migrating");
  await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK_ID]);
}

async function ensureMigrationsTable(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ table_name: string }>(
    `SELECT c.relname AS table_name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = current_schema()`,
  );
  if (rows.some((row) => row.table_name === "_prisma_migrations")) return;
  // Same guard as Prisma's P3005: a populated database with no history was set
  // up some other way, and replaying the first migration over it would fail
  // half-way or, worse, succeed on top of something different.
  const others = rows.map((row) => row.table_name);
  if (others.length > 0) {
    throw new Error(
      `The database already has tables (${others.slice(0, 5).join(", ")}${others.length > 5 ? ", ..." : ""}) but no _prisma_migrations table; ` +
      "it was not created by these migrations. Baseline it first (prisma migrate resolve --applied <migration>).",
    );
  }
  await client.query(PRISMA_MIGRATIONS_TABLE_DDL);
}

/** Returns the names already applied, or throws naming the first inconsistency. */
function checkHistory(rows: MigrationRow[], files: MigrationFile[], dir: string): Set<string> {
  // Rows marked rolled back are an audit trail only, exactly as Prisma treats them.
  const active = rows.filter((row) => row.rolled_back_at === null);
  const failed = active.find((row) => row.finished_at === null);
  if (failed) {
    const logs = failed.logs?.trim() ? `: ${failed.logs.trim()}` : "";
    throw new Error(
      `Migration "${failed.migration_name}" is recorded as failed (started ${failed.started_at.toISOString()}, never finished)${logs}. ` +
      `Fix the database by hand, then mark it with \`prisma migrate resolve --rolled-back ${failed.migration_name}\` or \`--applied\`.`,
    );
  }
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const row of active) {
    const file = byName.get(row.migration_name);
    if (!file) {
      throw new Error(
        `Migration "${row.migration_name}" is recorded as applied but is missing from ${dir}; ` +
        "the database is ahead of (or diverged from) this code.",
      );
    }
    if (!checksumMatches(file.sql, row.checksum)) {
      throw new Error(
        `Migration "${row.migration_name}" was modified after it was applied: the checksum of its migration.sql ` +
        `(${file.checksum}) differs from the recorded one (${row.checksum}). Restore the original file and put the change in a new migration.`,
      );
    }
  }
  return new Set(active.map((row) => row.migration_name));
}

async function applyOne(client: pg.Client, migration: MigrationFile, log?: MigrationLog): Promise<void> {
  const started = Date.now();
  log?.info({ migration: migration.name }, "applying migration");
  await client.query("BEGIN");
  try {
    const id = randomUUID();
    await client.query(
      "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, clock_timestamp())",
      [id, migration.checksum, migration.name],
    );
    // Sent as one simple-protocol query, as Prisma does, so multi-statement
    // scripts (and dollar-quoted bodies) run unchanged.
    await client.query(migration.sql);
    await client.query(
      "UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = applied_steps_count + 1 WHERE id = $1",
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration "${migration.name}" failed and was rolled back: ${reason}`, { cause: error });
  }
  log?.info({ migration: migration.name, durationMs: Date.now() - started }, "applied migration");
}
