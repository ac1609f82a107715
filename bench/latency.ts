// Benchmark 1, added latency: POST /chat through PromptLab against the same
// streamed completion straight from the fake upstream, at fixed offered rates,
// in alternating rounds. Reports time to first token and to last byte
// (p50/p90/p99) for both, PromptLab's difference and ratio, and errors.
//   npm run bench:latency -- [--rates=200,500] [--rounds=4] [--round-seconds=10] [--first-token-delay-ms=0] [--profile] [--before-root=DIR]
// --first-token-delay-ms makes the upstream wait before its first chunk, as a
// model does: PromptLab's own round trips before the first token (the stored
// turn, the estimate) overlap the provider call, so they show only when the
// upstream answers faster than they finish, as it does at the default of 0.
// --before-root runs a second server from a copy of the code taken before a
// change, as a third side in the same alternating rounds (a same-run before/after).
// --upstream-http2: the server reaches the upstream over HTTP/2 (LLM_HTTP2); a
// --before-root server stays on HTTP/1.1, so --before-root=. compares the two.
import path from "node:path";
import type { Pool } from "undici";
import { DIRECT_COMPLETION_BODY, PROMPTLAB_CHAT_BODY } from "./lib/chat-request.ts";
import { createPool, runOpenLoop, type OpenLoopResult } from "./lib/open-loop.ts";
import { cpuSeconds } from "./lib/processes.ts";
import { flags, isMain, RESULTS_DIR, numberList, writeResult } from "./lib/results.ts";
import { openAiProtocol, promptlabProtocol, type StreamProtocol, type StreamRequest, type StreamTiming } from "./lib/sse-timing.ts";
import { startStack, upstreamProtocols, type RuntimeMetrics, type ServerRunOptions, type Stack } from "./lib/stack.ts";
import { combinePauses, compare, promptlabFirst, summarize, target } from "./lib/stats.ts";

export interface LatencyOptions extends ServerRunOptions {
  rates: number[];
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
  firstTokenDelayMs: number;
}

export const LATENCY_DEFAULTS: LatencyOptions = { rates: [200, 500], rounds: 4, roundSeconds: 10, warmupSeconds: 5, firstTokenDelayMs: 0 };

const upstreamFor = (options: LatencyOptions) => ({ chunks: 20, delayBeforeFirstMs: options.firstTokenDelayMs, delayBetweenMs: 0 });

interface Side {
  name: "promptlab" | "baseline" | "before";
  pool: Pool;
  origin: string;
  protocol: StreamProtocol;
  request: (index: number) => StreamRequest;
}

function promptlabSide(stack: Stack, name: "promptlab" | "before", url: string): Side {
  return {
    name,
    pool: createPool(url),
    origin: url,
    protocol: promptlabProtocol,
    request: (index) => ({
      path: "/chat",
      headers: { "x-api-key": stack.users[index % stack.users.length]!.key },
      body: PROMPTLAB_CHAT_BODY,
    }),
  };
}

function baselineSide(stack: Stack): Side {
  return {
    name: "baseline",
    pool: createPool(stack.upstream.origin),
    origin: stack.upstream.origin,
    protocol: openAiProtocol,
    request: () => ({ path: "/v1/chat/completions", headers: { authorization: "Bearer sk-bench" }, body: DIRECT_COMPLETION_BODY }),
  };
}

function run(side: Side, ratePerSecond: number, seconds: number): Promise<OpenLoopResult> {
  return runOpenLoop({
    pool: side.pool,
    origin: side.origin,
    ratePerSecond,
    durationMs: seconds * 1000,
    request: side.request,
    protocol: side.protocol,
    timeoutMs: 30_000,
  });
}

const ok = (samples: StreamTiming[]) => samples.filter((s) => s.error === null);
const firstErrors = (samples: StreamTiming[]) => [...new Set(samples.flatMap((s) => (s.error ? [s.error] : [])))].slice(0, 5);

export async function runLatencyBench(options: LatencyOptions) {
  const upstream = upstreamFor(options);
  const stack = options.stack ?? (await startStack({ upstream, upstreamHttp2: options.upstreamHttp2 ?? false, nodeFlags: options.serverFlags ?? [], cpuProfile: options.cpuProfile ?? false, ...(options.cpuProfile ? { keepProfileAs: path.join(RESULTS_DIR, "latency-server.cpuprofile.tmp") } : {}) }));
  if (options.stack) await stack.upstream.configure(upstream);
  const promptlab = promptlabSide(stack, "promptlab", stack.url);
  const baseline = baselineSide(stack);
  const before = options.beforeRoot ? promptlabSide(stack, "before", (await stack.startServerFrom(options.beforeRoot)).url) : null;
  const all = before ? [promptlab, baseline, before] : [promptlab, baseline];
  try {
    // Warm every path: JIT, keep-alive connections, caches.
    for (const side of all) await run(side, options.rates[0]!, options.warmupSeconds);

    const byRate = [];
    for (const rate of options.rates) {
      const collected = { promptlab: [] as StreamTiming[], baseline: [] as StreamTiming[], before: [] as StreamTiming[] };
      const rounds = [];
      let serverCpu = 0;
      let sendLag: number[] = [];
      let skipped = 0;
      const loopDelay: Array<{ p99: number; max: number }> = [];
      const gcPauses: Array<RuntimeMetrics["gc_pauses_ms"]> = [];
      for (let round = 0; round < options.rounds; round++) {
        const order = promptlabFirst(round) ? all : [...all].reverse();
        const perRound: Record<string, unknown> = { round, first: order[0]!.name };
        for (const side of order) {
          const cpuBefore = side.name === "promptlab" ? await cpuSeconds(stack.server.pid) : 0;
          if (side.name === "promptlab") await stack.runtime("?reset=1");
          const result = await run(side, rate, options.roundSeconds);
          if (side.name === "promptlab") {
            serverCpu += (await cpuSeconds(stack.server.pid)) - cpuBefore;
            const runtime = await stack.runtime();
            loopDelay.push(runtime.event_loop_delay_ms);
            gcPauses.push(runtime.gc_pauses_ms);
          }
          collected[side.name].push(...result.samples);
          sendLag = sendLag.concat(result.sendLagMs);
          skipped += result.skipped;
          const good = ok(result.samples);
          perRound[side.name] = {
            first_token_p50_ms: summarize(good.map((s) => s.firstTokenMs!)).p50,
            last_byte_p50_ms: summarize(good.map((s) => s.lastByteMs!)).p50,
            errors: result.samples.length - good.length,
          };
        }
        rounds.push(perRound);
      }
      const good = { promptlab: ok(collected.promptlab), baseline: ok(collected.baseline) };
      const chats = collected.promptlab.length;
      byRate.push({
        offered_per_s: rate,
        requests: { promptlab: chats, baseline: collected.baseline.length },
        errors: { promptlab: chats - good.promptlab.length, baseline: collected.baseline.length - good.baseline.length },
        error_examples: { promptlab: firstErrors(collected.promptlab), baseline: firstErrors(collected.baseline) },
        time_to_first_token_ms: compare(
          good.promptlab.map((s) => s.firstTokenMs!),
          good.baseline.map((s) => s.firstTokenMs!),
        ),
        time_to_last_byte_ms: compare(
          good.promptlab.map((s) => s.lastByteMs!),
          good.baseline.map((s) => s.lastByteMs!),
        ),
        ...(before
          ? {
              change_against_before: {
                time_to_first_token_ms: compare(
                  good.promptlab.map((s) => s.firstTokenMs!),
                  ok(collected.before).map((s) => s.firstTokenMs!),
                ),
                time_to_last_byte_ms: compare(
                  good.promptlab.map((s) => s.lastByteMs!),
                  ok(collected.before).map((s) => s.lastByteMs!),
                ),
                errors_before: collected.before.length - ok(collected.before).length,
              },
            }
          : {}),
        server_event_loop_delay_ms: {
          worst_round_p99: Math.max(...loopDelay.map((d) => d.p99)),
          max: Math.max(...loopDelay.map((d) => d.max)),
        },
        // What the server's collections took from the chats: each pause stalls every chat in flight.
        server_gc_pauses_ms: combinePauses(gcPauses),
        server_cpu_ms_per_chat: chats > 0 ? Number(((serverCpu * 1000) / chats).toFixed(3)) : null,
        generator_send_lag_ms: summarize(sendLag),
        skipped_by_generator: skipped,
        rounds,
      });
    }
    const at500 = byRate.find((entry) => entry.offered_per_s === 500) ?? byRate.at(-1)!;
    return {
      options: { rates: options.rates, rounds: options.rounds, round_seconds: options.roundSeconds, warmup_seconds: options.warmupSeconds },
      upstream_protocol: upstreamProtocols(stack, before !== null),
      upstream,
      method:
        "open loop (undici Pool) at a fixed offered rate; PromptLab POST /chat vs the same streamed completion straight from the fake upstream, alternating ABBA rounds; time measured from handing the request to the pool",
      by_rate: byRate,
      targets: [
        target(`added time to first token p50 at ${at500.offered_per_s} req/s (ms)`, at500.time_to_first_token_ms.difference.p50, 1, "max"),
        target(`added time to first token p99 at ${at500.offered_per_s} req/s (ms)`, at500.time_to_first_token_ms.difference.p99, 5, "max"),
        target(`added time to last byte p99 at ${at500.offered_per_s} req/s (ms)`, at500.time_to_last_byte_ms.difference.p99, 5, "max"),
      ],
    };
  } finally {
    await Promise.all(all.map((side) => side.pool.close()));
    if (!options.stack) {
      const profile = await stack.close();
      if (profile) lastProfile = profile;
    }
  }
}

let lastProfile: unknown = null;

if (isMain(import.meta.url)) {
  const f = flags();
  const options: LatencyOptions = {
    rates: numberList(f.rates, LATENCY_DEFAULTS.rates),
    rounds: Number(f.rounds ?? LATENCY_DEFAULTS.rounds),
    roundSeconds: Number(f["round-seconds"] ?? LATENCY_DEFAULTS.roundSeconds),
    warmupSeconds: Number(f["warmup-seconds"] ?? LATENCY_DEFAULTS.warmupSeconds),
    firstTokenDelayMs: Number(f["first-token-delay-ms"] ?? LATENCY_DEFAULTS.firstTokenDelayMs),
    cpuProfile: f.profile === true,
    ...(typeof f["server-flags"] === "string" ? { serverFlags: f["server-flags"].split(" ") } : {}),
    ...(typeof f["before-root"] === "string" ? { beforeRoot: f["before-root"] } : {}),
    upstreamHttp2: f["upstream-http2"] === true,
  };
  const result = await runLatencyBench(options);
  // Runs with a model-like first-token delay answer another question, so they keep their own file.
  const name = `latency${options.firstTokenDelayMs > 0 ? `-first-token-${options.firstTokenDelayMs}ms` : ""}${f.profile ? "-profile" : ""}`;
  const file = await writeResult(name, { ...result, cpu_profile: lastProfile });
  process.stdout.write(`${JSON.stringify({ targets: result.targets, file }, null, 2)}\n`);
}
