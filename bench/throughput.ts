// Benchmark 2, throughput: completed chats per second at fixed concurrency
// (autocannon) with everything on — API-key auth, the rate limit on Redis, the
// sidecar's token estimate, assignment and persistence in PostgreSQL — against
// the fake upstream answering 20 chunks with no delay. The baseline is the same
// streamed completion straight from the upstream, in alternating rounds. CPU
// seconds per 1,000 chats are read from /proc for every process involved.
//   npm run bench:throughput -- [--connections=50] [--rounds=4] [--round-seconds=10] [--profile] [--before-root=DIR]
// --before-root runs a second server from a copy of the code taken before a
// change, as a third side in the same alternating rounds (a same-run before/after).
// --upstream-http2: the server reaches the upstream over HTTP/2 (LLM_HTTP2); a
// --before-root server stays on HTTP/1.1, so --before-root=. compares the two.
import path from "node:path";
import autocannon from "autocannon";
import { DIRECT_COMPLETION_BODY, PROMPTLAB_CHAT_BODY } from "./lib/chat-request.ts";
import { backendCpu, backendCpuDelta } from "./lib/postgres-cpu.ts";
import { cpuSeconds, ownCpuSeconds } from "./lib/processes.ts";
import { flags, isMain, RESULTS_DIR, writeResult } from "./lib/results.ts";
import { startStack, upstreamProtocols, type ServerRunOptions, type Stack } from "./lib/stack.ts";
import { promptlabFirst, target } from "./lib/stats.ts";

export interface ThroughputOptions extends ServerRunOptions {
  connections: number;
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
}

export const THROUGHPUT_DEFAULTS: ThroughputOptions = { connections: 50, rounds: 4, roundSeconds: 10, warmupSeconds: 3 };

const UPSTREAM = { chunks: 20, delayBeforeFirstMs: 0, delayBetweenMs: 0 };

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function completedAnswers(stack: Stack): Promise<number> {
  return stack.database.prisma.message.count({ where: { role: "assistant", status: "complete" } });
}

export async function runThroughputBench(options: ThroughputOptions) {
  const stack = options.stack ?? (await startStack({ upstream: UPSTREAM, upstreamHttp2: options.upstreamHttp2 ?? false, nodeFlags: options.serverFlags ?? [], cpuProfile: options.cpuProfile ?? false, ...(options.cpuProfile ? { keepProfileAs: path.join(RESULTS_DIR, "throughput-server.cpuprofile.tmp") } : {}) }));
  if (options.stack) await stack.upstream.configure(UPSTREAM);
  let keyIndex = 0;
  const before = options.beforeRoot ? await stack.startServerFrom(options.beforeRoot) : null;
  const chats = (url: string) => (seconds: number): autocannon.Options => ({
    url,
    connections: options.connections,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: "POST",
        path: "/chat",
        body: PROMPTLAB_CHAT_BODY,
        setupRequest: (request) => ({
          ...request,
          headers: { "content-type": "application/json", "x-api-key": stack.users[keyIndex++ % stack.users.length]!.key },
        }),
      },
    ],
  });
  const baseline = (seconds: number): autocannon.Options => ({
    // autocannon takes the path from the URL when no `requests` are given.
    url: `${stack.upstream.origin}/v1/chat/completions`,
    connections: options.connections,
    duration: seconds,
    timeout: 30,
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
    body: DIRECT_COMPLETION_BODY,
  });

  const load = { promptlab: chats(stack.url), baseline, ...(before ? { before: chats(before.url) } : {}) } as Record<Side, (seconds: number) => autocannon.Options>;
  const serverPid = { promptlab: stack.server.pid, baseline: stack.server.pid, before: before?.process.pid ?? stack.server.pid };
  const sides: Side[] = before ? ["promptlab", "baseline", "before"] : ["promptlab", "baseline"];

  let profile: unknown = null;
  try {
    for (const side of sides) await cannon(load[side](options.warmupSeconds));

    const emptyTotals = () => ({ ok: 0, failed: 0, seconds: 0, cpu: { server: 0, sidecar: 0, upstream: 0, postgres: 0, generator: 0 } });
    const totals = { promptlab: emptyTotals(), baseline: emptyTotals(), before: emptyTotals() };
    const rounds = [];
    let storedDuringRuns = 0;
    for (let round = 0; round < options.rounds; round++) {
      const order = promptlabFirst(round) ? sides : [...sides].reverse();
      const perRound: Record<string, unknown> = { round, first: order[0] };
      for (const side of order) {
        const storedBefore = side === "promptlab" ? await completedAnswers(stack) : 0;
        const pgBefore = await backendCpu(stack.database, stack.databaseName);
        const cpuBefore = {
          server: await cpuSeconds(serverPid[side]),
          sidecar: await cpuSeconds(stack.sidecar.pid),
          upstream: await cpuSeconds(stack.upstream.process.pid),
          generator: ownCpuSeconds(),
        };
        const result = await cannon(load[side](options.roundSeconds));
        const cpu = totals[side].cpu;
        cpu.server += (await cpuSeconds(serverPid[side])) - cpuBefore.server;
        cpu.sidecar += (await cpuSeconds(stack.sidecar.pid)) - cpuBefore.sidecar;
        cpu.upstream += (await cpuSeconds(stack.upstream.process.pid)) - cpuBefore.upstream;
        cpu.generator += ownCpuSeconds() - cpuBefore.generator;
        cpu.postgres += backendCpuDelta(pgBefore, await backendCpu(stack.database, stack.databaseName));
        if (side === "promptlab") storedDuringRuns += (await completedAnswers(stack)) - storedBefore;
        const ok = result["2xx"];
        const failed = result.non2xx + result.errors + result.timeouts;
        totals[side].ok += ok;
        totals[side].failed += failed;
        totals[side].seconds += result.duration;
        perRound[side] = { completed_per_s: Math.round(ok / result.duration), failed, latency_p50_ms: result.latency.p50, latency_p99_ms: result.latency.p99 };
      }
      rounds.push(perRound);
    }
    const rate = (side: Side) => Math.round(totals[side].ok / totals[side].seconds);
    const per1000 = (side: Side) =>
      Object.fromEntries(
        Object.entries(totals[side].cpu).map(([name, seconds]) => [name, totals[side].ok > 0 ? Number(((seconds * 1000) / totals[side].ok).toFixed(3)) : null]),
      );
    const promptlabRate = rate("promptlab");
    const promptlabCpu = per1000("promptlab");
    return {
      options: { connections: options.connections, rounds: options.rounds, round_seconds: options.roundSeconds },
      upstream_protocol: upstreamProtocols(stack, before !== null),
      upstream: UPSTREAM,
      method: "autocannon at fixed concurrency, alternating ABBA rounds: PromptLab POST /chat vs the same stream straight from the fake upstream",
      completed_per_s: { promptlab: promptlabRate, baseline: rate("baseline"), ratio: rate("baseline") > 0 ? Number((promptlabRate / rate("baseline")).toFixed(3)) : null },
      failed: { promptlab: totals.promptlab.failed, baseline: totals.baseline.failed },
      answers_stored_complete: storedDuringRuns,
      answers_acknowledged: totals.promptlab.ok,
      cpu_seconds_per_1000_chats: {
        promptlab: promptlabCpu,
        promptlab_server_plus_sidecar: Number(((promptlabCpu.server ?? 0) + (promptlabCpu.sidecar ?? 0)).toFixed(3)),
        baseline: per1000("baseline"),
        note: "server, sidecar and upstream from /proc/<pid>/stat; postgres = the backends serving this database; generator = this process (autocannon); Redis is shared and not counted",
      },
      ...(before
        ? {
            change_against_before: {
              completed_per_s_before: rate("before"),
              ratio: rate("before") > 0 ? Number((promptlabRate / rate("before")).toFixed(3)) : null,
              cpu_seconds_per_1000_chats_before: per1000("before"),
              failed_before: totals.before.failed,
            },
          }
        : {}),
      rounds,
      targets: [target("completed chats per second with persistence", promptlabRate, 2_000, "min")],
    };
  } finally {
    if (!options.stack) profile = await stack.close();
    lastProfile = profile;
  }
}

type Side = "promptlab" | "baseline" | "before";

let lastProfile: unknown = null;

if (isMain(import.meta.url)) {
  const f = flags();
  const result = await runThroughputBench({
    connections: Number(f.connections ?? THROUGHPUT_DEFAULTS.connections),
    rounds: Number(f.rounds ?? THROUGHPUT_DEFAULTS.rounds),
    roundSeconds: Number(f["round-seconds"] ?? THROUGHPUT_DEFAULTS.roundSeconds),
    warmupSeconds: Number(f["warmup-seconds"] ?? THROUGHPUT_DEFAULTS.warmupSeconds),
    cpuProfile: f.profile === true,
    ...(typeof f["server-flags"] === "string" ? { serverFlags: f["server-flags"].split(" ") } : {}),
    ...(typeof f["before-root"] === "string" ? { beforeRoot: f["before-root"] } : {}),
    upstreamHttp2: f["upstream-http2"] === true,
  });
  const file = await writeResult(f.profile ? "throughput-profile" : "throughput", { ...result, cpu_profile: lastProfile });
  process.stdout.write(`${JSON.stringify({ completed_per_s: result.completed_per_s, targets: result.targets, file }, null, 2)}\n`);
}
