// The sidecar's settings, parsed once from an environment object at start-up.
// Every bad value fails start with a message naming the variable and the value.
import os from "node:os";

export type SidecarConfig = {
  port: number;
  host: string;
  /** Processes serving the port; 1 runs without node:cluster. */
  workers: number;
};

// More workers than this is a typo, not a machine: each one holds its own
// encoders (tens of MB), so a stray "1000" would exhaust memory.
export const MAX_WORKERS = 256;

function readPort(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 3001;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`SIDECAR_PORT must be an integer in 0..65535, got "${raw}"`);
  }
  return port;
}

function readWorkers(raw: string | undefined): number {
  // Counting is CPU-bound and one process is single-threaded: one per core.
  if (raw === undefined || raw === "") return os.availableParallelism();
  const workers = Number(raw);
  if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
    throw new Error(`SIDECAR_WORKERS must be an integer in 1..${MAX_WORKERS}, got "${raw}"`);
  }
  return workers;
}

export function readSidecarConfig(env: NodeJS.ProcessEnv): SidecarConfig {
  return {
    port: readPort(env.SIDECAR_PORT),
    host: env.SIDECAR_HOST || "127.0.0.1",
    workers: readWorkers(env.SIDECAR_WORKERS),
  };
}
