// The real PromptLab server as a child process (`node --import
// ./scripts/register-typescript.mjs src/index.ts`), exactly as `npm start`
// runs it, with its output kept in a log file for when a spec fails.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { TYPESCRIPT_IMPORT } from "../../../src/typescript-loader.ts";

export interface ServerProcess {
  url: string;
  stop(): Promise<void>;
}

const START_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 10_000;

async function waitForHealth(url: string, child: ChildProcess, logPath: string): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode} while starting; see ${logPath}.`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`The server did not become healthy within ${START_DEADLINE_MS} ms; see ${logPath}.`);
}

export async function startServerProcess(options: {
  rootDir: string;
  port: number;
  env: Record<string, string>;
  logPath: string;
}): Promise<ServerProcess> {
  const log = createWriteStream(options.logPath);
  const child = spawn(process.execPath, [...TYPESCRIPT_IMPORT, "src/index.ts"], {
    cwd: options.rootDir,
    env: { ...process.env, ...options.env, PORT: String(options.port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const url = `http://127.0.0.1:${options.port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_DEADLINE_MS);
      await exited;
      clearTimeout(timer);
    }
    log.end();
  };

  try {
    await waitForHealth(url, child, options.logPath);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
