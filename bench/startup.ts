// Benchmark 7, start-up: from spawning the start command (`node
// --max-semi-space-size=64 --min-semi-space-size=64 --import ./scripts/register-typescript.mjs
// src/index.ts`, what `npm start` runs after
// its client-build check) to the first 200 from GET /health, in the embedded
// default (no DATABASE_URL, no REDIS_URL, no LLM: embedded PostgreSQL in a
// fresh data folder, in-process store, spawned sidecar, simulator). The first
// start creates the database; the second and later starts are the target. The
// baseline is a bare HTTP server started the same way, answering /health, in
// alternating rounds.
//   npm run bench:startup -- [--rounds=3]
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "../src/testing/free-port.ts";
import { spawnNode, spawnPromptLab, waitForHealthy, type NodeProcess } from "./lib/processes.ts";
import { flags, isMain, ROOT, writeResult } from "./lib/results.ts";
import { compare, promptlabFirst, summarize, target } from "./lib/stats.ts";

export interface StartupOptions {
  rounds: number;
}

export const STARTUP_DEFAULTS: StartupOptions = { rounds: 3 };

async function timeStart(start: (env: Record<string, string>) => NodeProcess, env: Record<string, string>): Promise<{ ms: number; stopMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = start({ ...env, PORT: String(port), HOST: "127.0.0.1" });
  try {
    await waitForHealthy(`http://127.0.0.1:${port}/health`, child, 120_000, 10);
    const ms = performance.now() - started;
    const stopping = performance.now();
    await child.stop(30_000);
    return { ms, stopMs: performance.now() - stopping };
  } catch (error) {
    await child.stop(5_000);
    throw error;
  }
}

export async function runStartupBench(options: StartupOptions) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "promptlab-startup-"));
  // As root, embedded PostgreSQL runs as the postgres user and must reach the folder.
  await chmod(dataDir, 0o755);
  try {
    const promptlabEnv = async () => ({
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      SIDECAR_PORT: String(await freePort()),
    });
    const promptlab = (env: Record<string, string>) => spawnPromptLab(ROOT, { env });
    const hello = (env: Record<string, string>) => spawnNode(path.join(ROOT, "bench/lib/hello-server.ts"), { env });
    const first = await timeStart(promptlab, await promptlabEnv());
    const again: number[] = [];
    const stops: number[] = [];
    const floor: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const sides = [
        async () => {
          const result = await timeStart(promptlab, await promptlabEnv());
          again.push(result.ms);
          stops.push(result.stopMs);
        },
        async () => void floor.push((await timeStart(hello, {})).ms),
      ];
      for (const side of promptlabFirst(round) ? sides : sides.reverse()) await side();
    }
    const comparison = compare(again, floor);
    return {
      options,
      method:
        "spawn to the first 200 from /health (polled every 10 ms), embedded default in a fresh data folder; first start once, then later starts alternating ABBA with a bare HTTP server started the same way",
      first_start_ms: Math.round(first.ms),
      later_starts_ms: comparison,
      graceful_stop_ms: summarize(stops),
      note: "npm start also runs `prestart` (scripts/build-client-if-stale.mjs), which builds the client only when client/ changed; that deploy-time step is not included",
      targets: [target("second start to healthy /health (ms, worst of the later starts)", comparison.promptlab.max, 5_000, "max")],
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const f = flags();
  const result = await runStartupBench({ rounds: Number(f.rounds ?? STARTUP_DEFAULTS.rounds) });
  const file = await writeResult("startup", result);
  process.stdout.write(`${JSON.stringify({ first_start_ms: result.first_start_ms, later: result.later_starts_ms, targets: result.targets, file }, null, 2)}\n`);
}
