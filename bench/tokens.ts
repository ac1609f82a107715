// Benchmark 6, token counting: the sidecar's POST /count for 100 B, 4 KB and
// 100 KB texts at a fixed offered rate (default 1,000 req/s, open loop), against
// the same counting done in-process (the sidecar's own tiktoken encoder and
// counter, called directly), in alternating rounds per size. The in-process
// figure is what the HTTP hop and the sidecar's queueing add to.
//   npm run bench:tokens -- [--rate=1000] [--rounds=4] [--round-seconds=3]
import path from "node:path";
import { encoderFor, resolveEncoding, warmEncoders } from "../sidecar/encodings.ts";
import { tiktokenTextCounter } from "../sidecar/token-count.ts";
import { freePort } from "../src/testing/free-port.ts";
import { createPool } from "./lib/open-loop.ts";
import { spawnNode, waitForHealthy } from "./lib/processes.ts";
import { flags, isMain, numberList, ROOT, writeResult } from "./lib/results.ts";
import { compare, promptlabFirst, sleep, summarize, target } from "./lib/stats.ts";

export interface TokensOptions {
  rate: number;
  rounds: number;
  roundSeconds: number;
  sizes: number[];
  /** Requests still open beyond this are not sent (and are counted as skipped). */
  maxInFlight: number;
}

export const TOKENS_DEFAULTS: TokensOptions = { rate: 1_000, rounds: 4, roundSeconds: 3, sizes: [100, 4_096, 102_400], maxInFlight: 512 };

const MODEL = "gpt-4o-mini";
const PARAGRAPH =
  "PromptLab changes prompts safely: every change is an experiment on live traffic, users are assigned to variants " +
  "deterministically, answers are stored with the exact prompt version, and thumbs up or down decide which prompt wins. ";

export function textOfBytes(bytes: number): string {
  return PARAGRAPH.repeat(Math.ceil(bytes / PARAGRAPH.length)).slice(0, bytes);
}

interface SidecarRound {
  latencies: number[];
  errors: number;
  skipped: number;
  achievedPerSecond: number;
}

async function sidecarRound(pool: ReturnType<typeof createPool>, origin: string, body: string, options: TokensOptions): Promise<SidecarRound> {
  const intervalMs = 1000 / options.rate;
  const total = Math.floor(options.roundSeconds * options.rate);
  const latencies: number[] = [];
  const pending: Array<Promise<void>> = [];
  let errors = 0;
  let skipped = 0;
  let inFlight = 0;
  const started = performance.now();
  for (let index = 0; index < total; ) {
    const due = Math.min(total, Math.floor((performance.now() - started) / intervalMs) + 1);
    for (; index < due; index++) {
      if (inFlight >= options.maxInFlight) {
        skipped++;
        continue;
      }
      inFlight++;
      const sent = performance.now();
      pending.push(
        pool
          .request({ origin, path: "/count", method: "POST", headers: { "content-type": "application/json" }, body, headersTimeout: 10_000, bodyTimeout: 10_000 })
          .then(async (response) => {
            const json = (await response.body.json()) as { tokens?: unknown };
            if (response.statusCode === 200 && typeof json.tokens === "number") latencies.push(performance.now() - sent);
            else errors++;
          })
          .catch(() => {
            errors++;
          })
          .finally(() => inFlight--),
      );
    }
    await sleep(Math.max(0, started + index * intervalMs - performance.now()));
  }
  await Promise.all(pending);
  return { latencies, errors, skipped, achievedPerSecond: Math.round(latencies.length / ((performance.now() - started) / 1000)) };
}

function inProcessRound(text: string, calls: number): number[] {
  const count = tiktokenTextCounter(encoderFor(resolveEncoding(MODEL).encoding));
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    count(text);
    times.push(performance.now() - started);
  }
  return times;
}

export async function runTokensBench(options: TokensOptions) {
  const port = await freePort();
  const sidecar = spawnNode(path.join(ROOT, "sidecar/index.ts"), { env: { SIDECAR_PORT: String(port), NODE_ENV: "production" } });
  const origin = `http://127.0.0.1:${port}`;
  const pool = createPool(origin);
  try {
    await waitForHealthy(`${origin}/health`, sidecar);
    warmEncoders();
    const bySize = [];
    for (const bytes of options.sizes) {
      const text = textOfBytes(bytes);
      const body = JSON.stringify({ model: MODEL, text });
      // Warm the sidecar's path for this size.
      await sidecarRound(pool, origin, body, { ...options, roundSeconds: Math.min(1, options.roundSeconds), rate: Math.min(options.rate, 200) });
      const sidecarLatencies: number[] = [];
      const inProcess: number[] = [];
      let errors = 0;
      let skipped = 0;
      const achieved: number[] = [];
      for (let round = 0; round < options.rounds; round++) {
        const runSidecar = async () => {
          const result = await sidecarRound(pool, origin, body, options);
          sidecarLatencies.push(...result.latencies);
          errors += result.errors;
          skipped += result.skipped;
          achieved.push(result.achievedPerSecond);
        };
        // In-process calls: as many as one sidecar round's worth of seconds allows, capped.
        const runLocal = () => void inProcess.push(...inProcessRound(text, Math.min(options.roundSeconds * options.rate, 2_000)));
        if (promptlabFirst(round)) {
          await runSidecar();
          runLocal();
        } else {
          runLocal();
          await runSidecar();
        }
      }
      bySize.push({
        bytes,
        tokens: tiktokenTextCounter(encoderFor(resolveEncoding(MODEL).encoding))(text),
        offered_per_s: options.rate,
        achieved_per_s: summarize(achieved),
        errors,
        skipped_by_generator: skipped,
        sidecar_vs_in_process_ms: compare(sidecarLatencies, inProcess),
      });
    }
    const at4k = bySize.find((entry) => entry.bytes === 4_096) ?? bySize[0]!;
    return {
      options,
      method:
        "open loop (undici Pool) POST /count {model, text} to a sidecar process started for the run; in-process = the sidecar's tiktoken counter called directly in this process; alternating ABBA rounds per size",
      by_size: bySize,
      targets: [target(`sidecar /count p99 for ${at4k.bytes} B at ${options.rate} req/s (ms)`, at4k.sidecar_vs_in_process_ms.promptlab.p99, 2, "max")],
    };
  } finally {
    await pool.close();
    await sidecar.stop();
  }
}

if (isMain(import.meta.url)) {
  const f = flags();
  const result = await runTokensBench({
    rate: Number(f.rate ?? TOKENS_DEFAULTS.rate),
    rounds: Number(f.rounds ?? TOKENS_DEFAULTS.rounds),
    roundSeconds: Number(f["round-seconds"] ?? TOKENS_DEFAULTS.roundSeconds),
    sizes: numberList(f.sizes, TOKENS_DEFAULTS.sizes),
    maxInFlight: Number(f["max-in-flight"] ?? TOKENS_DEFAULTS.maxInFlight),
  });
  const file = await writeResult("tokens", result);
  process.stdout.write(`${JSON.stringify({ targets: result.targets, file }, null, 2)}\n`);
}
