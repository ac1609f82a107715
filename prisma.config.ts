// Prisma CLI configuration. The running server never reads this file: it builds
// its own connection from src/config.ts. `prisma migrate deploy` (where the
// internet is reachable) uses DATABASE_URL from here.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/promptlab" },
});
