// One sidecar HTTP server in this process, listening until SIGTERM or SIGINT,
// then draining: in-flight requests finish, idle keep-alive sockets close, and
// the process exits 0. Used alone (one worker) and inside each cluster worker,
// where node:cluster shares the listening socket between the workers.
import type { Logger } from "pino";
import { createSidecarServer } from "./app.ts";

// Idle keep-alive sockets are closed by server.close(); this bounds how long an
// in-flight request may hold shutdown up before its socket is cut.
export const SHUTDOWN_GRACE_MS = 5_000;

export function serveSidecar(options: { port: number; host: string; log: Logger }): void {
  const { port, host, log } = options;
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
