// `npm run db:diff`: prints the SQL that takes the committed migrations to
// prisma/schema.prisma (nothing, and exit 0, when they agree).
//   --create <name>               write it as prisma/migrations/<UTC timestamp>_<name>/migration.sql
//   --timestamp <YYYYMMDDHHMMSS>  use this timestamp instead of now (reproducible folder names)
//   --exit-code                   exit 2 when the diff is not empty (for CI)
// Shadow databases are created on SHADOW_DATABASE_SERVER_URL (default: local postgres).
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_MIGRATIONS_DIR } from "../src/db/migrations.ts";
import { diffMigrationsToSchema, PRISMA_LOCKFILE } from "../src/db/schema-diff.ts";

const { values } = parseArgs({
  options: {
    create: { type: "string" },
    timestamp: { type: "string" },
    "exit-code": { type: "boolean", default: false },
  },
});

function utcTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, "").slice(0, 14);
}

/** Prisma folder names are `<timestamp>_<snake_case_name>`. */
function migrationSlug(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  if (!slug) throw new Error(`"${name}" gives an empty migration name; use letters, digits and underscores.`);
  return slug;
}

async function createMigration(name: string, sql: string): Promise<string> {
  const timestamp = values.timestamp ?? utcTimestamp(new Date());
  if (!/^\d{14}$/.test(timestamp)) throw new Error(`--timestamp must be YYYYMMDDHHMMSS, got "${timestamp}".`);
  const folder = path.join(DEFAULT_MIGRATIONS_DIR, `${timestamp}_${migrationSlug(name)}`);
  if (existsSync(folder)) throw new Error(`${folder} already exists.`);
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, "migration.sql"), sql, "utf8");
  const lockfile = path.join(DEFAULT_MIGRATIONS_DIR, "migration_lock.toml");
  if (!existsSync(lockfile)) await writeFile(lockfile, PRISMA_LOCKFILE, "utf8");
  return folder;
}

try {
  const sql = await diffMigrationsToSchema();
  if (values.create !== undefined) {
    if (!sql) throw new Error("The migrations already match prisma/schema.prisma; refusing to create an empty migration.");
    const folder = await createMigration(values.create, sql);
    console.log(`Created ${path.relative(process.cwd(), path.join(folder, "migration.sql"))}`);
  } else if (!sql) {
    console.error("-- No difference: the migrations match prisma/schema.prisma.");
  } else {
    process.stdout.write(sql);
    if (values["exit-code"]) process.exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
