// Process entry point for the sidecar: reads its config from the environment
// (the only module in sidecar/ that does), then either serves in this process
// (SIDECAR_WORKERS=1) or becomes a node:cluster primary over one worker per core.
import cluster from "node:cluster";
import { pino } from "pino";
import { runClusterPrimary } from "./cluster-primary.ts";
import { readSidecarConfig } from "./config.ts";
import { serveSidecar } from "./serve.ts";

const log = pino({ base: { service: "token-sidecar" } });

function main(): void {
  const config = readSidecarConfig(process.env);
  if (cluster.isPrimary && config.workers > 1) {
    runClusterPrimary({ workers: config.workers, log });
    return;
  }
  const workerLog = cluster.isWorker ? log.child({ worker: cluster.worker?.id }) : log;
  serveSidecar({ port: config.port, host: config.host, log: workerLog });
}

try {
  main();
} catch (error) {
  log.fatal({ err: error }, "sidecar failed to start");
  process.exit(1);
}
