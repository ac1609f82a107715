// Child processes for the benchmarks: each part of the system under test runs
// in its own process (server, sidecar, fake upstream), started the way `npm
// start` starts the server (`node --import ./scripts/register-typescript.mjs
// <entry>`, plus SERVER_NODE_FLAGS for the server itself: spawnPromptLab), so
// the pid we measure is the program itself, not a wrapper. CPU
// time is read from /proc, so it covers any process we started.
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { ROOT } from "./results.ts";
import { sleep } from "./stats.ts";
import { SERVER_NODE_FLAGS } from "../../src/server-command.ts";
import { TYPESCRIPT_IMPORT } from "../../src/typescript-loader.ts";

const CLOCK_TICKS_PER_SECOND = 100;
const OUTPUT_KEPT_CHARS = 20_000;

export interface NodeProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  output(): string;
  /** SIGTERM, then SIGKILL after graceMs. */
  stop(graceMs?: number): Promise<void>;
}

/** PromptLab's server from the code in `root`, with `npm start`'s node flags before any extra ones. */
export function spawnPromptLab(root: string, options: { env: Record<string, string>; nodeFlags?: string[] }): NodeProcess {
  return spawnNode(path.join(root, "src/index.ts"), { cwd: root, env: options.env, nodeFlags: [...SERVER_NODE_FLAGS, ...(options.nodeFlags ?? [])] });
}

export function spawnNode(
  entry: string,
  options: { env: Record<string, string>; nodeFlags?: string[]; ipc?: boolean; cwd?: string },
): NodeProcess {
  const stdio: StdioOptions = options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"];
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...TYPESCRIPT_IMPORT, entry], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...options.env },
    stdio,
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT_CHARS);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    pid: child.pid!,
    exited,
    output: () => output,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls url until it answers 2xx; returns the milliseconds waited. */
export async function waitForHealthy(url: string, child: NodeProcess | null, timeoutMs = 60_000, pollMs = 20): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (child && (child.child.exitCode !== null || child.child.signalCode !== null)) {
      throw new Error(`process exited before ${url} was healthy:\n${child.output()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs) throw new Error(`${url} not healthy after ${timeoutMs} ms:\n${child?.output() ?? ""}`);
    await sleep(pollMs);
  }
}

/** User + system CPU seconds a process has used so far (Linux /proc). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** CPU seconds of this process (the load generator). */
export function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
