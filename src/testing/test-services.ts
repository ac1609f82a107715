// Where the integration tests find PostgreSQL and Redis: the machine's own
// servers by default. Each test file makes its own database and Redis key
// prefix, so runs never see each other's data and never disturb the servers.
import { randomBytes } from "node:crypto";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function uniqueSuffix(): string {
  return `${process.pid}_${randomBytes(4).toString("hex")}`;
}
