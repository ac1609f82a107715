// Feedback burst benchmark: starts PromptLab as its own process on a fresh
// database, sends N ratings spread over a window (default 5,000 over 1 s) to
// POST /feedback, and reports acknowledgement latency, throughput, and that
// every acknowledged rating is in PostgreSQL exactly once.
//   npm run bench:feedback -- [ratings] [windowMs] [--rounds=3] [--warmup=2000] [--no-baseline]
// --warmup first sends that many ratings (not counted) at the same rate, so the
// rounds measure a warm server rather than its first second of JIT compilation.
// With --rounds=N the burst is repeated on fresh messages, alternating with the
// baseline: the same client against a bare node server that answers 200 at
// once (bench/lib/hello-server.ts), i.e. what the generator and HTTP alone
// reach on this machine. The top-level figures are PromptLab's, over all rounds.
import path from "node:path";
import { performance } from "node:perf_hooks";
import { connectDatabase } from "../src/db.ts";
import { freePort } from "../src/testing/free-port.ts";
import { createRatableMessages, type RatableMessage } from "../src/testing/ratable-messages.ts";
import { createRatingClient, type RatingResponse } from "../src/testing/rating-client.ts";
import { deleteRedisKeys } from "../src/testing/redis-keys.ts";
import { startServerProcess } from "../src/testing/server-process.ts";
import { createTestDatabase } from "../src/testing/test-database.ts";
import { TEST_REDIS_URL, uniqueSuffix } from "../src/testing/test-services.ts";
import { spawnNode, waitForHealthy } from "./lib/processes.ts";
import { flags, isMain, ROOT, writeResult } from "./lib/results.ts";
import { promptlabFirst, target } from "./lib/stats.ts";

export interface FeedbackBurstOptions {
  ratings: number;
  windowMs: number;
  rounds: number;
  baseline: boolean;
  /** Ratings sent first and not counted. */
  warmup?: number;
}

export const FEEDBACK_DEFAULTS: FeedbackBurstOptions = { ratings: 5_000, windowMs: 1_000, rounds: 3, baseline: true, warmup: 2_000 };

const tickMs = 10;

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Sends `messages.length` ratings spread evenly over windowMs, in ticks. */
async function burst(url: string, messages: RatableMessage[], windowMs: number) {
  const total = messages.length;
  const client = createRatingClient(url, 128);
  const pending: Array<Promise<RatingResponse>> = [];
  const perTick = Math.max(1, Math.round(total / (windowMs / tickMs)));
  const started = performance.now();
  for (let sent = 0; sent < total; ) {
    for (let i = 0; i < perTick && sent < total; i++, sent++) {
      const m = messages[sent]!;
      pending.push(client.send(m.apiKey, m.messageId, sent % 4 === 0 ? -1 : 1));
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  const sentMs = performance.now() - started;
  const answers = await Promise.all(pending);
  const doneMs = performance.now() - started;
  client.close();
  return { answers, sentMs, doneMs };
}

export async function runFeedbackBurst(options: FeedbackBurstOptions) {
  const total = options.ratings;
  const testDatabase = await createTestDatabase();
  const database = connectDatabase(testDatabase.url, { poolSize: 4 });
  const redisPrefix = `promptlab_bench:${uniqueSuffix()}:`;
  const server = await startServerProcess({
    DATABASE_URL: testDatabase.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    SIDECAR_DISABLED: "true",
    ADMIN_API_KEY: "pl_bench_admin_key_0123456789abcdef",
    LOG_LEVEL: "warn",
  });
  const baselinePort = await freePort();
  const baseline = options.baseline ? spawnNode(path.join(ROOT, "bench/lib/hello-server.ts"), { env: { PORT: String(baselinePort) } }) : null;
  try {
    if (baseline) await waitForHealthy(`http://127.0.0.1:${baselinePort}/health`, baseline);
    const warmup = options.warmup ?? 0;
    const all = await createRatableMessages(database.prisma, { users: 50, messagesPerUser: Math.ceil((total * options.rounds + warmup) / 50) });
    if (warmup > 0) {
      const warm = all.slice(0, warmup);
      await burst(server.url, warm, (options.windowMs * warmup) / total);
      if (baseline) await burst(`http://127.0.0.1:${baselinePort}`, warm, (options.windowMs * warmup) / total);
      // Warm-up ratings are in PostgreSQL too; the checks below count only the measured ones.
      await database.prisma.feedback.deleteMany({});
    }
    const messages = all.slice(warmup);
    const answers: RatingResponse[] = [];
    let sentMs = 0;
    let doneMs = 0;
    const rounds = [];
    const baselineRates: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const slice = messages.slice(round * total, (round + 1) * total);
      const runPromptlab = async () => {
        const result = await burst(server.url, slice, options.windowMs);
        answers.push(...result.answers);
        sentMs += result.sentMs;
        doneMs += result.doneMs;
        return Math.round((total / result.doneMs) * 1000);
      };
      const runBaseline = async () => {
        const result = await burst(`http://127.0.0.1:${baselinePort}`, slice, options.windowMs);
        const rate = Math.round((total / result.doneMs) * 1000);
        baselineRates.push(rate);
        return rate;
      };
      if (!baseline) rounds.push({ round, promptlab_per_s: await runPromptlab() });
      else if (promptlabFirst(round)) rounds.push({ round, promptlab_per_s: await runPromptlab(), baseline_per_s: await runBaseline() });
      else rounds.push({ round, baseline_per_s: await runBaseline(), promptlab_per_s: await runPromptlab() });
    }
    const latencies = answers.map((a) => a.latencyMs).sort((a, b) => a - b);
    const acknowledged = answers.filter((a) => a.status === 200).length;
    const [counts] = await database.prisma.$queryRaw<Array<{ rows: number; distinct: number }>>`
      SELECT count(*)::int AS rows, count(DISTINCT (message_id, user_id))::int AS distinct FROM feedback`;
    const throughput = Math.round((answers.length / doneMs) * 1000);
    const baselineThroughput = baselineRates.length ? Math.round(baselineRates.reduce((a, b) => a + b, 0) / baselineRates.length) : null;
    const lost = acknowledged - (counts?.distinct ?? 0);
    return {
      ratings: answers.length,
      sent_over_ms: Math.round(sentMs),
      all_acknowledged_after_ms: Math.round(doneMs),
      throughput_per_s: throughput,
      non_200: answers.length - acknowledged,
      ack_latency_ms: { p50: +percentile(latencies, 0.5).toFixed(1), p95: +percentile(latencies, 0.95).toFixed(1), max: +latencies.at(-1)!.toFixed(1) },
      rows_in_postgres: counts?.rows,
      distinct_rows: counts?.distinct,
      acknowledged_missing_from_postgres: lost,
      offered_per_s: Math.round((total / options.windowMs) * 1000),
      baseline_per_s: baselineThroughput,
      ratio_to_baseline: baselineThroughput ? Number((throughput / baselineThroughput).toFixed(3)) : null,
      rounds,
      targets: [
        target("feedback ratings per second, all acknowledged", throughput, 5_000, "min"),
        target("acknowledged ratings missing from PostgreSQL", lost, 0, "max"),
      ],
    };
  } finally {
    await baseline?.stop();
    server.child.kill("SIGTERM");
    await server.exited;
    await database.close();
    await testDatabase.drop();
    await deleteRedisKeys(TEST_REDIS_URL, redisPrefix);
  }
}

if (isMain(import.meta.url)) {
  const f = flags();
  const positional = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
  const result = await runFeedbackBurst({
    ratings: Number(positional[0] ?? FEEDBACK_DEFAULTS.ratings),
    windowMs: Number(positional[1] ?? FEEDBACK_DEFAULTS.windowMs),
    rounds: Number(f.rounds ?? FEEDBACK_DEFAULTS.rounds),
    baseline: f["no-baseline"] !== true,
    warmup: Number(f.warmup ?? FEEDBACK_DEFAULTS.warmup),
  });
  await writeResult("feedback", result);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
