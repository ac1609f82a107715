// `npm run db:seed`: applies migrations and the idempotent seed data to
// DATABASE_URL. The server does the same at every start; this is for databases
// managed separately (e.g. after `prisma migrate deploy`).
import { loadConfig } from "../src/config.ts";
import { connectDatabase } from "../src/db.ts";
import { applyMigrations } from "../src/db/migrations.ts";
import { seedDatabase } from "../src/db/seed.ts";

const config = loadConfig();
if (!config.DATABASE_URL) {
  process.stderr.write("DATABASE_URL is not set; the embedded database is seeded by `npm start` itself.\n");
  process.exit(1);
}
await applyMigrations(config.DATABASE_URL);
const database = connectDatabase(config.DATABASE_URL, { poolSize: 2 });
try {
  const { generatedAdminKey } = await seedDatabase(database.prisma, { adminApiKey: config.ADMIN_API_KEY, model: config.LLM_MODEL });
  process.stdout.write("Seeded: test user (key test-key-123), admin user, experiment system_prompt_style.\n");
  if (generatedAdminKey) process.stdout.write(`Admin API key (shown once, store it now): ${generatedAdminKey}\n`);
} finally {
  await database.close();
}
