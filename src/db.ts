// The database handle: one pg pool shared by Prisma (through its pg driver
// adapter) and the few raw queries that need SQL Prisma cannot express. A bounded
// wait for a pooled connection turns pool exhaustion into a 503, never a hang.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client.ts";

export type Db = PrismaClient;
export { Prisma } from "./generated/prisma/client.ts";

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
}

export function connectDatabase(
  connectionString: string,
  options: { poolSize: number; connectionTimeoutMs?: number },
): Database {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 3_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on("error", () => {
    // An idle client lost its connection; the pool replaces it. Failures that
    // matter surface on the next query.
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end().catch(() => {});
    },
  };
}
