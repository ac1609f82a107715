// Runs the token-counting sidecar as a child process when no SIDECAR_URL is
// configured, so `npm start` brings up the whole system. The server never
// depends on it: a dead sidecar only downgrades estimates to the fallback.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Logger } from "../logger.ts";
import { TYPESCRIPT_IMPORT } from "../typescript-loader.ts";

const ENTRY = fileURLToPath(new URL("../../sidecar/index.ts", import.meta.url));

export interface SidecarProcess {
  url: string;
  stop(): Promise<void>;
}

async function waitForHealth(url: string, deadlineMs: number): Promise<boolean> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(500) });
      if (response.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

export async function startSidecarProcess(options: { port: number; log: Logger }): Promise<SidecarProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const log = options.log.child({ component: "sidecar-process" });
  const child: ChildProcess = spawn(process.execPath, [...TYPESCRIPT_IMPORT, ENTRY], {
    // One worker unless told otherwise: this is the one-command local setup, where
    // a worker per core would cost ~160 MB each and seconds of start-up.
    env: { SIDECAR_WORKERS: "1", ...process.env, SIDECAR_PORT: String(options.port), SIDECAR_HOST: "127.0.0.1" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.on("exit", (code, signal) => {
    if (code !== 0 && signal !== "SIGTERM") log.warn({ code, signal }, "sidecar exited; token estimates fall back to the local heuristic");
  });
  if (!(await waitForHealth(url, 10_000))) log.warn({ url }, "sidecar did not become healthy; continuing with fallback estimates");
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
