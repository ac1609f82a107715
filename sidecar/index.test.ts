// The sidecar as the OS process `npm run sidecar` starts: with several workers
// it serves one port, drains on SIGTERM with exit 0, fails fast when a worker
// dies, and refuses a bad SIDECAR_WORKERS with a message naming it.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../src/testing/free-port.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

interface SidecarProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

const started: ChildProcess[] = [];

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

async function spawnSidecar(env: Record<string, string>): Promise<SidecarProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "sidecar/index.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", SIDECAR_PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { url: `http://127.0.0.1:${port}`, child, exited, output: () => output };
}

/** Resolves once every worker and the primary have logged "sidecar listening". */
async function untilListening(sidecar: SidecarProcess, workers: number): Promise<void> {
  const deadline = Date.now() + 45_000;
  while (sidecar.output().split("sidecar listening").length - 1 < workers + 1) {
    if (sidecar.child.exitCode !== null) throw new Error(`sidecar exited:\n${sidecar.output()}`);
    if (Date.now() > deadline) throw new Error(`sidecar not listening:\n${sidecar.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function workerPids(primaryPid: number): Promise<number[]> {
  const children = await readFile(`/proc/${primaryPid}/task/${primaryPid}/children`, "utf8");
  const pids = children.trim().split(/\s+/).filter(Boolean).map(Number);
  const workers: number[] = [];
  for (const pid of pids) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes("sidecar/index.ts")) workers.push(pid);
  }
  return workers;
}

async function count(url: string, text: string): Promise<number> {
  const response = await fetch(`${url}/count`, { method: "POST", body: JSON.stringify({ model: "gpt-4o", text }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { tokens: number }).tokens;
}

describe("sidecar process", () => {
  it("serves one port from two workers and exits 0 on SIGTERM", async () => {
    const sidecar = await spawnSidecar({ SIDECAR_WORKERS: "2" });
    await untilListening(sidecar, 2);
    expect(await workerPids(sidecar.child.pid!)).toHaveLength(2);
    const counts = await Promise.all(Array.from({ length: 20 }, () => count(sidecar.url, "お誕生日おめでとう")));
    expect(new Set(counts)).toEqual(new Set([8]));

    sidecar.child.kill("SIGTERM");
    expect(await sidecar.exited).toBe(0);
    expect(sidecar.output()).toMatch(/"workers":2,"msg":"sidecar shutting down"/);
  }, 60_000);

  it("exits 1 when a worker dies on its own", async () => {
    const sidecar = await spawnSidecar({ SIDECAR_WORKERS: "2" });
    await untilListening(sidecar, 2);
    const [victim] = await workerPids(sidecar.child.pid!);
    process.kill(victim!, "SIGKILL");
    expect(await sidecar.exited).toBe(1);
    expect(sidecar.output()).toContain("sidecar worker exited unexpectedly");
  }, 60_000);

  it("refuses a bad SIDECAR_WORKERS by name", async () => {
    const sidecar = await spawnSidecar({ SIDECAR_WORKERS: "lots" });
    expect(await sidecar.exited).toBe(1);
    expect(sidecar.output()).toContain('SIDECAR_WORKERS must be an integer in 1..256, got \\"lots\\"');
  }, 30_000);
});
