// Benchmark 6, token counting: the sidecar's POST /count for 100 B, 4 KB and
// 100 KB texts at a fixed offered rate (default 1,000 req/s, open loop), against
// the same counting done in-process (the sidecar's own piecewise tiktoken
// counter, called directly, without the count cache), in alternating rounds. The
// in-process figure is what the HTTP hop and the sidecar's queueing add to.
// Every size runs twice: with a distinct text per request (a request-unique
// number overwrites the first characters, so the sidecar's count cache always
// misses) and with one repeated text (what a system prompt or chat history
// resent each turn looks like, so after the first request the cache hits).
//   npm run bench:tokens -- [--rate=1000] [--rounds=4] [--round-seconds=3]
//     [--sizes=100,4096,102400] [--texts=distinct,repeated] [--workers=N]
import os from "node:os";
import path from "node:path";
import { encoderFor, resolveEncoding, warmEncoders } from "../sidecar/encodings.ts";
import { piecewiseTextCounter } from "../sidecar/piecewise-counter.ts";
import { tiktokenTextCounter } from "../sidecar/token-count.ts";
import { freePort } from "../src/testing/free-port.ts";
import { createPool, openLoop } from "./lib/open-loop.ts";
import { spawnNode, waitForHealthy } from "./lib/processes.ts";
import { flags, isMain, numberList, ROOT, writeResult } from "./lib/results.ts";
import { compare, promptlabFirst, summarize, target } from "./lib/stats.ts";

export interface TokensOptions {
  rate: number;
  rounds: number;
  roundSeconds: number;
  sizes: number[];
  /** Requests still open beyond this are not sent (and are counted as skipped). */
  maxInFlight: number;
  texts: TextKind[];
  /** SIDECAR_WORKERS for the sidecar under test; undefined = its default (one per core). */
  workers?: number | undefined;
}

export type TextKind = "distinct" | "repeated";

export const TOKENS_DEFAULTS: TokensOptions = {
  rate: 1_000,
  rounds: 4,
  roundSeconds: 3,
  sizes: [100, 4_096, 102_400],
  maxInFlight: 512,
  texts: ["distinct", "repeated"],
};

const MODEL = "gpt-4o-mini";
const PARAGRAPH =
  "PromptLab changes prompts safely: every change is an experiment on live traffic, users are assigned to variants " +
  "deterministically, answers are stored with the exact prompt version, and thumbs up or down decide which prompt wins. ";

export function textOfBytes(bytes: number): string {
  return PARAGRAPH.repeat(Math.ceil(bytes / PARAGRAPH.length)).slice(0, bytes);
}

const UNIQUE_PREFIX_CHARS = 8;
// One sequence for the whole run, so no distinct text is ever sent twice.
let nextUnique = 0;

/**
 * Texts of the given size, one per call: the same text each time ("repeated"),
 * or the text with its first 8 characters replaced by a run-unique number
 * ("distinct"). Same byte size either way; the JSON body is built by
 * concatenation so the generator does not re-serialize 100 KB per request.
 */
function textSource(bytes: number, kind: TextKind): { text: () => string; body: () => string } {
  const text = textOfBytes(bytes);
  const head = `{"model":${JSON.stringify(MODEL)},"text":"`;
  if (kind === "repeated") {
    const body = JSON.stringify({ model: MODEL, text });
    return { text: () => text, body: () => body };
  }
  const rest = text.slice(UNIQUE_PREFIX_CHARS);
  const restJson = JSON.stringify(rest).slice(1); // drops the opening quote, keeps the closing one
  const unique = () => String(nextUnique++).padStart(UNIQUE_PREFIX_CHARS, "0").slice(-UNIQUE_PREFIX_CHARS);
  return { text: () => unique() + rest, body: () => `${head}${unique()}${restJson}}` };
}

interface SidecarRound {
  latencies: number[];
  errors: number;
  skipped: number;
  achievedPerSecond: number;
}

async function sidecarRound(pool: ReturnType<typeof createPool>, origin: string, body: () => string, options: TokensOptions): Promise<SidecarRound> {
  // Each call resolves with its latency, or null for an error.
  const { results, skipped, elapsedMs } = await openLoop({
    ratePerSecond: options.rate,
    durationMs: options.roundSeconds * 1000,
    maxInFlight: options.maxInFlight,
    send: async () => {
      const sent = performance.now();
      try {
        const response = await pool.request({ origin, path: "/count", method: "POST", headers: { "content-type": "application/json" }, body: body(), headersTimeout: 10_000, bodyTimeout: 10_000 });
        const json = (await response.body.json()) as { tokens?: unknown };
        return response.statusCode === 200 && typeof json.tokens === "number" ? performance.now() - sent : null;
      } catch {
        return null;
      }
    },
  });
  const latencies = results.filter((latency): latency is number => latency !== null);
  return { latencies, errors: results.length - latencies.length, skipped, achievedPerSecond: Math.round(latencies.length / (elapsedMs / 1000)) };
}

// The sidecar's counter without its count cache; its piece memo lives as long as this process.
const inProcessCounter = piecewiseTextCounter(resolveEncoding(MODEL).encoding, encoderFor(resolveEncoding(MODEL).encoding));

/** Uncached in-process counts, up to `calls` or `budgetMs` of counting, whichever ends first. */
function inProcessRound(text: () => string, calls: number, budgetMs: number): number[] {
  const count = inProcessCounter;
  const times: number[] = [];
  const roundStarted = performance.now();
  for (let i = 0; i < calls && performance.now() - roundStarted < budgetMs; i++) {
    const input = text();
    const started = performance.now();
    count(input);
    times.push(performance.now() - started);
  }
  return times;
}

export async function runTokensBench(options: TokensOptions) {
  const port = await freePort();
  const workerEnv: Record<string, string> = options.workers === undefined ? {} : { SIDECAR_WORKERS: String(options.workers) };
  const sidecar = spawnNode(path.join(ROOT, "sidecar/index.ts"), { env: { SIDECAR_PORT: String(port), NODE_ENV: "production", ...workerEnv } });
  const origin = `http://127.0.0.1:${port}`;
  const pool = createPool(origin);
  // The HTTP floor: the same requests at the same rate to a server that only reads them and answers.
  const floorPort = await freePort();
  const floor = spawnNode(path.join(ROOT, "bench/lib/hello-server.ts"), { env: { PORT: String(floorPort) } });
  const floorOrigin = `http://127.0.0.1:${floorPort}`;
  const floorPool = createPool(floorOrigin);
  try {
    await Promise.all([waitForHealthy(`${origin}/health`, sidecar), waitForHealthy(`${floorOrigin}/health`, floor)]);
    warmEncoders();
    const bySize = [];
    for (const bytes of options.sizes) {
      for (const kind of options.texts) {
        const source = textSource(bytes, kind);
        // Warm the sidecar's path for this size (and, for a repeated text, its cache).
        await sidecarRound(pool, origin, source.body, { ...options, roundSeconds: Math.min(1, options.roundSeconds), rate: Math.min(options.rate, 200) });
        const sidecarLatencies: number[] = [];
        const floorLatencies: number[] = [];
        const inProcess: number[] = [];
        let errors = 0;
        let skipped = 0;
        const achieved: number[] = [];
        for (let round = 0; round < options.rounds; round++) {
          const runSidecar = async () => {
            const result = await sidecarRound(pool, origin, source.body, options);
            sidecarLatencies.push(...result.latencies);
            errors += result.errors;
            skipped += result.skipped;
            achieved.push(result.achievedPerSecond);
          };
          // In-process calls: one sidecar round's worth of requests, capped at 2,000 calls and at a round's seconds.
          const runLocal = () =>
            void inProcess.push(...inProcessRound(source.text, Math.min(options.roundSeconds * options.rate, 2_000), options.roundSeconds * 1000));
          const runFloor = async () => void floorLatencies.push(...(await sidecarRound(floorPool, floorOrigin, source.body, options)).latencies);
          if (promptlabFirst(round)) {
            await runSidecar();
            await runFloor();
            runLocal();
          } else {
            runLocal();
            await runFloor();
            await runSidecar();
          }
        }
        bySize.push({
          bytes,
          text: kind,
          tokens: tiktokenTextCounter(encoderFor(resolveEncoding(MODEL).encoding))(textOfBytes(bytes)),
          offered_per_s: options.rate,
          achieved_per_s: summarize(achieved),
          errors,
          skipped_by_generator: skipped,
          sidecar_vs_in_process_ms: compare(sidecarLatencies, inProcess),
          /** The same requests to a server that only reads them and answers: the generator's and the hop's share. */
          http_floor_ms: summarize(floorLatencies),
        });
      }
    }
    const targetSize = options.sizes.includes(4_096) ? 4_096 : options.sizes[0]!;
    const targets = bySize
      .filter((entry) => entry.bytes === targetSize)
      .map((entry) =>
        target(`sidecar /count p99 for ${entry.bytes} B at ${options.rate} req/s, ${entry.text} text (ms)`, entry.sidecar_vs_in_process_ms.promptlab.p99, 2, "max"),
      );
    return {
      options,
      sidecar_workers: options.workers ?? os.availableParallelism(),
      method:
        "open loop (undici Pool) POST /count {model, text} to a sidecar process started for the run; distinct = a run-unique number in the first 8 characters of every text (count cache always misses), repeated = one text for every request (cache hits after the first); in-process = the sidecar's piecewise tiktoken counter called directly in this process, without the count cache; http floor = the same requests at the same rate to bench/lib/hello-server.ts, which reads each body and answers at once; alternating rounds per size and text kind",
      by_size: bySize,
      targets,
    };
  } finally {
    await Promise.all([pool.close(), floorPool.close()]);
    await Promise.all([sidecar.stop(), floor.stop()]);
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
    texts: f.texts === undefined ? TOKENS_DEFAULTS.texts : (String(f.texts).split(",") as TextKind[]),
    workers: f.workers === undefined ? undefined : Number(f.workers),
  });
  const file = await writeResult("tokens", result);
  process.stdout.write(`${JSON.stringify({ targets: result.targets, file }, null, 2)}\n`);
}
