// `npm run db:migrate`: applies pending prisma/migrations to DATABASE_URL with
// the same bookkeeping as `prisma migrate deploy`, and says what it applied.
import { applyMigrations } from "../src/db/migrations.ts";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set.");
  process.exit(1);
}

try {
  const applied = await applyMigrations(url);
  if (applied.length === 0) {
    console.log("No pending migrations; the database is up to date.");
  } else {
    console.log(`Applied ${applied.length} migration(s):`);
    for (const name of applied) console.log(`  ${name}`);
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
