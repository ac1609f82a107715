// Drift guard: the committed migrations must produce exactly prisma/schema.prisma,
// and so must a database migrated with them. The negative cases prove each
// guard notices a difference instead of always answering "in sync".
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "./migrations.ts";
import { DEFAULT_SCHEMA_PATH, diffDatabaseToSchema, diffMigrationsToSchema } from "./schema-diff.ts";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DATABASE = `promptlab_test_drift_${randomBytes(4).toString("hex")}`;
const tempDir = mkdtempSync(path.join(tmpdir(), "promptlab-schema-"));

async function admin(sql: string, url = ADMIN_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function databaseUrl(): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DATABASE}`;
  return url.toString();
}

/** The real schema plus a new model and a changed referential action. */
function modifiedSchema(): string {
  const original = readFileSync(DEFAULT_SCHEMA_PATH, "utf8");
  const apiKeyRelation = "user User @relation(fields: [userId], references: [id], onDelete: Cascade)\n\n  @@index([userId])\n  @@map(\"api_keys\")";
  expect(original).toContain(apiKeyRelation);
  const file = path.join(tempDir, "schema.prisma");
  writeFileSync(file, original.replace(apiKeyRelation, apiKeyRelation.replace("onDelete: Cascade", "onDelete: Restrict")) + `
model DriftProbe {
  id Int @id
  @@map("drift_probe")
}
`);
  return file;
}

beforeAll(async () => {
  await admin(`CREATE DATABASE "${DATABASE}"`);
});

afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS "${DATABASE}" WITH (FORCE)`);
  rmSync(tempDir, { recursive: true, force: true });
});

describe("schema drift", { timeout: 60_000 }, () => {
  it("the committed migrations produce exactly prisma/schema.prisma", async () => {
    expect(await diffMigrationsToSchema({ serverUrl: ADMIN_URL })).toBe("");
  });

  it("reports the difference when the schema moves ahead of the migrations", async () => {
    const sql = await diffMigrationsToSchema({ serverUrl: ADMIN_URL, schemaPath: modifiedSchema() });

    expect(sql).toContain('CREATE TABLE "drift_probe"');
    expect(sql).toMatch(/ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_fkey" .* ON DELETE RESTRICT/);
  });

  it("a database migrated with applyMigrations matches the schema, and a hand edit shows up", async () => {
    await applyMigrations(databaseUrl());
    expect(await diffDatabaseToSchema(databaseUrl())).toBe("");

    await admin('ALTER TABLE "users" ADD COLUMN "hand_added" INTEGER', databaseUrl());
    expect(await diffDatabaseToSchema(databaseUrl())).toContain('DROP COLUMN "hand_added"');
  });

  it("leaves no shadow databases behind", async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL });
    await client.connect();
    const shadows = async () =>
      (await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'prisma_shadow_%'")).rows
        .map((row) => row.datname);
    try {
      const before = await shadows();
      await diffMigrationsToSchema({ serverUrl: ADMIN_URL });
      expect((await shadows()).filter((name) => !before.includes(name))).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
