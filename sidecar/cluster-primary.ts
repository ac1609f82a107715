// The node:cluster primary: forks one sidecar worker per configured core and
// serves nothing itself. The workers share the listening socket (the primary
// hands connections out round-robin), so a CPU-bound count on one worker no
// longer queues every other request behind it.
//
// Shutdown: SIGTERM or SIGINT is passed to every worker, each drains as a
// single process would, and the primary exits 0 once all have exited cleanly.
// A worker that dies on its own takes the whole sidecar down (exit 1) instead
// of being re-forked: whatever killed it (a bad port, a crash) would most
// likely kill the next one too, and the process supervising the sidecar is in
// a better position to restart it.
import cluster, { type Worker } from "node:cluster";
import type { Logger } from "pino";
import { SHUTDOWN_GRACE_MS } from "./serve.ts";

// Past the workers' own grace period, a worker still alive is stuck.
const WORKER_KILL_AFTER_MS = SHUTDOWN_GRACE_MS + 2_000;

export function runClusterPrimary(options: { workers: number; log: Logger }): void {
  const { workers, log } = options;
  let shuttingDown = false;
  let failed = false;
  let listening = 0;
  let exited = 0;

  const stopAll = (signal: NodeJS.Signals): void => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGKILL");
    }, WORKER_KILL_AFTER_MS).unref();
  };

  cluster.on("listening", (_worker: Worker, address) => {
    listening += 1;
    if (listening === workers) log.info({ workers, host: address.address, port: address.port }, "sidecar listening");
  });

  cluster.on("exit", (worker: Worker, code: number | null, signal: string | null) => {
    const clean = shuttingDown && code === 0;
    if (!clean) {
      failed = true;
      log.error({ worker: worker.id, code, signal }, "sidecar worker exited unexpectedly");
      if (!shuttingDown) {
        shuttingDown = true;
        stopAll("SIGTERM");
      }
    }
    // Counted, not read from cluster.workers: a worker leaves that map only after
    // both its 'exit' and its 'disconnect', which may come in either order.
    if (++exited === workers) {
      log.info({ failed }, "sidecar stopped");
      process.exit(failed ? 1 : 0);
    }
  });

  const shutdown = (signal: NodeJS.Signals): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal, workers }, "sidecar shutting down");
    stopAll("SIGTERM");
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  for (let i = 0; i < workers; i++) cluster.fork();
}
