// Process entry point for the sidecar: reads its config from the environment
// (the only module in sidecar/ that does), listens, and drains on shutdown.
import { pino } from "pino";
import { createSidecarServer } from "./app.ts";

// Idle keep-alive sockets are closed by server.close(); this bounds how long an
// in-flight request may hold shutdown up before its socket is cut.
const SHUTDOWN_GRACE_MS = 5_000;

const log = pino({ base: { service: "token-sidecar" } });

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 3001;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`SIDECAR_PORT must be an integer in 0..65535, got "${raw}"`);
  }
  return port;
}

function main(): void {
  const port = readPort(process.env.SIDECAR_PORT);
  const host = process.env.SIDECAR_HOST || "127.0.0.1";
  const server = createSidecarServer();

  server.on("error", (error) => {
    log.fatal({ err: error }, "sidecar server error");
    process.exit(1);
  });

  server.listen(port, host, () => {
    const address = server.address();
    const boundPort = typeof address === "object" && address ? address.port : port;
    log.info({ host, port: boundPort }, "sidecar listening");
  });

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, "sidecar shutting down");
    server.close(() => {
      log.info("sidecar stopped");
      process.exit(0);
    });
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

try {
  main();
} catch (error) {
  log.fatal({ err: error }, "sidecar failed to start");
  process.exit(1);
}
