// Feedback burst benchmark: starts PromptLab as its own process on a fresh
// database, sends N ratings spread over a window (default 20,000 over 2 s, i.e.
// 10,000/s offered, twice the 5,000/s target, so the figure is what the server
// absorbs rather than what was offered) to POST /feedback, and reports
// acknowledgement latency, throughput, CPU per 1,000 ratings, and that every
// acknowledged rating is in PostgreSQL exactly once.
//   npm run bench:feedback -- [ratings] [windowMs] [--rounds=3] [--warmup=4000] [--no-baseline]
//     [--connections=64] [--pipelining=1] [--profile] [--server-flags="..."] [--before-root=DIR]
// --warmup first sends that many ratings (not counted) at the same rate, so the
// rounds measure a warm server rather than its first second of JIT compilation.
// With --rounds=N the burst is repeated on fresh messages, alternating (ABBA)
// with the baseline: the same client against a bare node server that answers
// 200 at once (bench/lib/hello-server.ts), i.e. what the generator and HTTP
// alone reach on this machine. --before-root runs a second PromptLab from a copy
// of the code taken before a change, on the same database, as a third side in
// the same rounds (a same-run before/after). --profile writes a V8 CPU profile
// of the server and summarises it. The top-level figures are PromptLab's.
import { copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { connectDatabase } from "../src/db.ts";
import { freePort } from "../src/testing/free-port.ts";
import { createRatableMessages, type RatableMessage } from "../src/testing/ratable-messages.ts";
import { createRatingClient, type RatingResponse } from "../src/testing/rating-client.ts";
import { deleteRedisKeys } from "../src/testing/redis-keys.ts";
import { createTestDatabase } from "../src/testing/test-database.ts";
import { TEST_REDIS_URL, uniqueSuffix } from "../src/testing/test-services.ts";
import { summarizeCpuProfile, type ProfileSummary } from "./lib/cpu-profile.ts";
import { backendCpu, backendCpuDelta } from "./lib/postgres-cpu.ts";
import { cpuSeconds, ownCpuSeconds, spawnNode, spawnPromptLab, waitForHealthy, type NodeProcess } from "./lib/processes.ts";
import { flags, isMain, RESULTS_DIR, ROOT, writeResult } from "./lib/results.ts";
import { runtimeOf, type ServerRunOptions } from "./lib/stack.ts";
import { promptlabFirst, target } from "./lib/stats.ts";

export interface FeedbackBurstOptions extends Omit<ServerRunOptions, "stack"> {
  ratings: number;
  windowMs: number;
  rounds: number;
  baseline: boolean;
  /** Ratings sent first and not counted. */
  warmup?: number;
  /** Keep-alive connections of the rating client. */
  connections?: number;
  /** Requests in flight per connection (HTTP/1.1 pipelining). */
  pipelining?: number;
}

export const FEEDBACK_DEFAULTS = {
  ratings: 20_000,
  windowMs: 2_000,
  rounds: 3,
  baseline: true,
  warmup: 4_000,
  connections: 256,
  pipelining: 1,
} satisfies FeedbackBurstOptions;

const tickMs = 10;

type Side = "promptlab" | "baseline" | "before";

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** Sends `messages.length` ratings spread evenly over windowMs, in ticks, whether or not earlier ones were answered. */
async function burst(url: string, messages: RatableMessage[], windowMs: number, connections: number, pipelining: number) {
  const total = messages.length;
  const client = createRatingClient(url, connections, pipelining);
  const pending: Array<Promise<RatingResponse>> = [];
  const perTick = Math.max(1, Math.round(total / (windowMs / tickMs)));
  const started = performance.now();
  for (let sent = 0; sent < total; ) {
    for (let i = 0; i < perTick && sent < total; i++, sent++) {
      const m = messages[sent]!;
      pending.push(
        client.send(m.apiKey, m.messageId, sent % 4 === 0 ? -1 : 1).catch((error: unknown) => ({ status: 0, body: String(error), latencyMs: performance.now() - started })),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  const sentMs = performance.now() - started;
  const answers = await Promise.all(pending);
  const doneMs = performance.now() - started;
  await client.close();
  return { answers, sentMs, doneMs };
}

/** The server's feedback-writer counters (zero from a server too old to report them). */
async function feedbackWrites(url: string): Promise<{ batches: number; ratings: number }> {
  return (await runtimeOf(url, "")).feedback_writes ?? { batches: 0, ratings: 0 };
}

async function startPromptLab(root: string, env: Record<string, string>, nodeFlags: string[]) {
  const port = await freePort();
  const server = spawnPromptLab(root, { nodeFlags, env: { ...env, PORT: String(port) } });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthy(`${url}/health`, server);
  return { url, process: server };
}

export async function runFeedbackBurst(options: FeedbackBurstOptions) {
  const total = options.ratings;
  const connections = options.connections ?? FEEDBACK_DEFAULTS.connections;
  const pipelining = options.pipelining ?? FEEDBACK_DEFAULTS.pipelining;
  const testDatabase = await createTestDatabase();
  const database = connectDatabase(testDatabase.url, { poolSize: 4 });
  const redisPrefix = `promptlab_bench:${uniqueSuffix()}:`;
  const profileDir = options.cpuProfile ? await mkdtemp(path.join(os.tmpdir(), "promptlab-cpu-")) : null;
  const env = {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    DATABASE_URL: testDatabase.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    SIDECAR_DISABLED: "true",
    ADMIN_API_KEY: "pl_bench_admin_key_0123456789abcdef",
    LOG_LEVEL: "warn",
  };
  const started: NodeProcess[] = [];
  let profile: ProfileSummary | null = null;
  try {
    const promptlab = await startPromptLab(ROOT, env, [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), ...(options.serverFlags ?? [])]);
    started.push(promptlab.process);
    // Without the extra flags, as in the stack: the same code as --before-root makes a same-run A/B of a flag.
    const before = options.beforeRoot ? await startPromptLab(options.beforeRoot, env, []) : null;
    if (before) started.push(before.process);
    const baselinePort = await freePort();
    const baseline = options.baseline ? spawnNode(path.join(ROOT, "bench/lib/hello-server.ts"), { env: { PORT: String(baselinePort) } }) : null;
    if (baseline) {
      started.push(baseline);
      await waitForHealthy(`http://127.0.0.1:${baselinePort}/health`, baseline);
    }
    const urls: Record<Side, string | null> = {
      promptlab: promptlab.url,
      baseline: baseline ? `http://127.0.0.1:${baselinePort}` : null,
      before: before?.url ?? null,
    };
    const serverPid: Record<Side, number | null> = { promptlab: promptlab.process.pid, baseline: baseline?.pid ?? null, before: before?.process.pid ?? null };
    const sides = (["promptlab", "baseline", "before"] as Side[]).filter((side) => urls[side] !== null);
    const writingSides = sides.filter((side) => side !== "baseline");

    const warmup = options.warmup ?? 0;
    const all = await createRatableMessages(database.prisma, {
      users: 50,
      messagesPerUser: Math.ceil((total * options.rounds * writingSides.length + warmup) / 50),
    });
    if (warmup > 0) {
      const warm = all.slice(0, warmup);
      for (const side of sides) await burst(urls[side]!, warm, (options.windowMs * warmup) / total, connections, pipelining);
      // Warm-up ratings are in PostgreSQL too; the checks below count only the measured ones.
      await database.prisma.feedback.deleteMany({});
    }

    const messages = all.slice(warmup);
    let nextSlice = 0;
    const emptyTotals = () => ({ answers: [] as RatingResponse[], sentMs: 0, doneMs: 0, rates: [] as number[], cpu: { server: 0, postgres: 0, generator: 0 }, statements: 0, written: 0 });
    const totals: Record<Side, ReturnType<typeof emptyTotals>> = { promptlab: emptyTotals(), baseline: emptyTotals(), before: emptyTotals() };
    /** Message ids each writing side had acknowledged, to look up in PostgreSQL afterwards. */
    const acknowledgedIds: string[] = [];
    const rounds = [];
    for (let round = 0; round < options.rounds; round++) {
      const order = promptlabFirst(round) ? sides : [...sides].reverse();
      const perRound: Record<string, unknown> = { round };
      // Fresh messages for each side that writes; the baseline writes nothing, so it sends PromptLab's.
      const slices = {} as Record<Side, RatableMessage[]>;
      for (const side of writingSides) slices[side] = messages.slice(nextSlice * total, ++nextSlice * total);
      slices.baseline = slices.promptlab;
      for (const side of order) {
        const slice = slices[side];
        const pgBefore = side === "baseline" ? null : await backendCpu(database, testDatabase.name);
        const writesBefore = side === "baseline" ? null : await feedbackWrites(urls[side]!);
        const serverCpuBefore = await cpuSeconds(serverPid[side]!);
        const generatorCpuBefore = ownCpuSeconds();
        const result = await burst(urls[side]!, slice, options.windowMs, connections, pipelining);
        const t = totals[side];
        t.cpu.generator += ownCpuSeconds() - generatorCpuBefore;
        t.cpu.server += (await cpuSeconds(serverPid[side]!)) - serverCpuBefore;
        if (pgBefore) t.cpu.postgres += backendCpuDelta(pgBefore, await backendCpu(database, testDatabase.name));
        if (writesBefore) {
          const writesAfter = await feedbackWrites(urls[side]!);
          t.statements += writesAfter.batches - writesBefore.batches;
          t.written += writesAfter.ratings - writesBefore.ratings;
        }
        t.answers.push(...result.answers);
        t.sentMs += result.sentMs;
        t.doneMs += result.doneMs;
        const rate = Math.round((total / result.doneMs) * 1000);
        t.rates.push(rate);
        perRound[`${side}_per_s`] = rate;
        if (side !== "baseline") result.answers.forEach((answer, i) => answer.status === 200 && acknowledgedIds.push(slice[i]!.messageId));
      }
      rounds.push(perRound);
    }

    const [counts] = await database.prisma.$queryRaw<Array<{ rows: number; distinct: number }>>`
      SELECT count(*)::int AS rows, count(DISTINCT (message_id, user_id))::int AS distinct FROM feedback`;
    const stored = new Set(
      (await database.prisma.$queryRaw<Array<{ id: string }>>`SELECT message_id::text AS id FROM feedback`).map((row) => row.id),
    );
    const lost = acknowledgedIds.filter((id) => !stored.has(id)).length;

    const rate = (side: Side) => (totals[side].answers.length ? Math.round((totals[side].answers.length / totals[side].doneMs) * 1000) : null);
    const per1000 = (side: Side) => {
      const count = totals[side].answers.length;
      return Object.fromEntries(Object.entries(totals[side].cpu).map(([name, seconds]) => [name, count ? Number(((seconds * 1000) / count).toFixed(3)) : null]));
    };
    const perStatement = (side: Side) => (totals[side].statements ? Number((totals[side].written / totals[side].statements).toFixed(1)) : null);
    const answers = totals.promptlab.answers;
    const latencies = answers.map((a) => a.latencyMs).sort((a, b) => a - b);
    const acknowledged = answers.filter((a) => a.status === 200).length;
    const throughput = rate("promptlab")!;
    const baselineThroughput = rate("baseline");
    return {
      method: `undici pool, ${connections} keep-alive connections x ${pipelining} in flight each; ${total} ratings offered over ${options.windowMs} ms per round, fresh messages per round; rounds alternate ABBA`,
      ratings: answers.length,
      sent_over_ms: Math.round(totals.promptlab.sentMs),
      all_acknowledged_after_ms: Math.round(totals.promptlab.doneMs),
      throughput_per_s: throughput,
      non_200: answers.length - acknowledged,
      ack_latency_ms: { p50: +percentile(latencies, 0.5).toFixed(1), p95: +percentile(latencies, 0.95).toFixed(1), max: +latencies.at(-1)!.toFixed(1) },
      rows_in_postgres: counts?.rows,
      distinct_rows: counts?.distinct,
      acknowledged_missing_from_postgres: lost,
      offered_per_s: Math.round((total / options.windowMs) * 1000),
      baseline_per_s: baselineThroughput,
      ratio_to_baseline: baselineThroughput ? Number((throughput / baselineThroughput).toFixed(3)) : null,
      ratings_per_insert_statement: perStatement("promptlab"),
      cpu_seconds_per_1000_ratings: {
        promptlab: per1000("promptlab"),
        ...(baseline ? { baseline: per1000("baseline") } : {}),
        note: "server from /proc/<pid>/stat; postgres = the backends serving this database; generator = this process",
      },
      ...(before
        ? {
            change_against_before: {
              before_per_s: rate("before"),
              ratio: Number((throughput / rate("before")!).toFixed(3)),
              non_200_before: totals.before.answers.filter((a) => a.status !== 200).length,
              cpu_seconds_per_1000_ratings_before: per1000("before"),
              ratings_per_insert_statement_before: perStatement("before"),
            },
          }
        : {}),
      rounds,
      targets: [
        target("feedback ratings per second, all acknowledged", throughput, 5_000, "min"),
        target("acknowledged ratings missing from PostgreSQL", lost, 0, "max"),
      ],
    };
  } finally {
    // PromptLab first, so its CPU profile is written before it is read.
    for (const child of started) await child.stop();
    if (profileDir) {
      const file = (await readdir(profileDir)).find((name) => name.endsWith(".cpuprofile"));
      if (file) {
        profile = await summarizeCpuProfile(path.join(profileDir, file));
        await copyFile(path.join(profileDir, file), path.join(RESULTS_DIR, "feedback-server.cpuprofile.tmp"));
      }
      await rm(profileDir, { recursive: true, force: true });
    }
    lastProfile = profile;
    await database.close();
    await testDatabase.drop();
    await deleteRedisKeys(TEST_REDIS_URL, redisPrefix);
  }
}

let lastProfile: ProfileSummary | null = null;

if (isMain(import.meta.url)) {
  const f = flags();
  const positional = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
  const result = await runFeedbackBurst({
    ratings: Number(positional[0] ?? FEEDBACK_DEFAULTS.ratings),
    windowMs: Number(positional[1] ?? FEEDBACK_DEFAULTS.windowMs),
    rounds: Number(f.rounds ?? FEEDBACK_DEFAULTS.rounds),
    baseline: f["no-baseline"] !== true,
    warmup: Number(f.warmup ?? FEEDBACK_DEFAULTS.warmup),
    connections: Number(f.connections ?? FEEDBACK_DEFAULTS.connections),
    pipelining: Number(f.pipelining ?? FEEDBACK_DEFAULTS.pipelining),
    cpuProfile: f.profile === true,
    ...(typeof f["server-flags"] === "string" ? { serverFlags: f["server-flags"].split(" ") } : {}),
    ...(typeof f["before-root"] === "string" ? { beforeRoot: f["before-root"] } : {}),
  });
  await writeResult(f.profile ? "feedback-profile" : "feedback", { ...result, ...(lastProfile ? { cpu_profile: lastProfile } : {}) });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
