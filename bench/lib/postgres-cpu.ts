// CPU used by the PostgreSQL backends serving one database: PostgreSQL runs a
// process per connection, so summing those processes' CPU attributes the
// database's work to the benchmark even on a server other runs share.
import type { Database } from "../../src/db.ts";
import { cpuSeconds } from "./processes.ts";

export async function backendPids(database: Database, databaseName: string): Promise<number[]> {
  const rows = await database.prisma.$queryRaw<Array<{ pid: number }>>`
    SELECT pid FROM pg_stat_activity WHERE datname = ${databaseName} AND pid <> pg_backend_pid()`;
  return rows.map((row) => row.pid);
}

/** CPU seconds per backend pid, for the backends alive now (on this machine's /proc). */
export async function backendCpu(database: Database, databaseName: string): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  for (const pid of await backendPids(database, databaseName)) {
    const seconds = await cpuSeconds(pid).catch(() => null);
    if (seconds !== null) result.set(pid, seconds);
  }
  return result;
}

/** CPU the backends used between two readings (a backend that appeared counts from zero). */
export function backendCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}
