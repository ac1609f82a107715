// Benchmark 3, concurrent streams: N chat streams open at once in one server
// process, the upstream sending a chunk every 500 ms; every stream stays open
// through a one-minute plateau during which all N are open. Measured inside the
// server (GET /internal/runtime): heap and RSS per stream after GC against the
// same server idle, and event-loop delay p99 during the plateau. Measured at
// the client: frames dropped (fewer deltas than the upstream sent, or no
// `done`) and frames late (a gap over cadence + 100 ms). The baseline is the
// same N streams straight from the upstream, which shows how late the
// generator and the upstream themselves make frames.
//   npm run bench:streams -- [--counts=1000,5000,10000] [--plateau-seconds=60] [--open-rate=100] [--no-baseline]
//     [--profile] [--heap-snapshot] [--server-flags="--max-semi-space-size=64"] [--upstream-http1] [--warm-up-streams=300]
// The server speaks HTTP/2 to the upstream (LLM_HTTP2), so a stream holds one
// socket in it, not two: with this sandbox's 20,000 descriptors, HTTP/1.1 to
// the upstream caps one process below 10,000 streams.
import { readdir, rename } from "node:fs/promises";
import path from "node:path";
import { createParser } from "eventsource-parser";
import { Pool } from "undici";
import { HTTP2_STREAMS_PER_CONNECTION } from "../src/services/llm/provider-pool.ts";
import { flags, isMain, RESULTS_DIR, numberList, writeResult } from "./lib/results.ts";
import { startStack, upstreamProtocols, type RuntimeMetrics, type Stack } from "./lib/stack.ts";
import { sleep, summarize, target } from "./lib/stats.ts";

export interface StreamsOptions {
  counts: number[];
  plateauSeconds: number;
  cadenceMs: number;
  /** Streams opened per second during the ramp. */
  openRate: number;
  /** Characters per chunk: 400 makes a one-minute answer about the seed's ~50 KB. */
  chunkChars: number;
  baseline: boolean;
  /** LLM_HTTP2 to the upstream (h2c); false: HTTP/1.1, a connection per stream. A given stack has its own. */
  upstreamHttp2?: boolean;
  stack?: Stack;
  cpuProfile?: boolean;
  /** Extra node flags for the server process (tuning experiments, e.g. --max-semi-space-size=64). */
  serverFlags?: string[];
  /** Write a heap snapshot of the server at each plateau into bench/results (git-ignored .tmp). */
  heapSnapshot?: boolean;
  /**
   * Short streams served before the first count's idle reading, so that reading is of a server
   * that has compiled its stream path and opened its pools: what that costs once is no one
   * stream's. The first count's figure against the cold server is reported beside it.
   */
  warmUpStreams: number;
}

export const STREAMS_DEFAULTS: StreamsOptions = {
  counts: [1_000, 5_000, 10_000],
  plateauSeconds: 60,
  cadenceMs: 500,
  openRate: 100,
  chunkChars: 400,
  baseline: true,
  upstreamHttp2: true,
  warmUpStreams: 300,
};

/** The soft and hard open-file limit of this process; children inherit it. */
const FD_LIMIT = 20_000;
/** What the server needs besides its sockets per stream (pools, logs, the listening socket...), with room to spare. */
const FD_HEADROOM = 100;
const LATE_AFTER_MS = 100;
const RAMP_ALLOWANCE = 1.3;
/** The plateau ends this long before the first streams do, so none has finished when it is measured. */
const endMarginMs = (cadenceMs: number) => Math.min(3_000, 4 * cadenceMs);

interface StreamState {
  deltas: number;
  lastAt: number | null;
  late: number;
  lateDuringGc: number;
  gaps: number[];
  done: boolean;
  error: string | null;
}

function newStreamState(): StreamState {
  return { deltas: 0, lastAt: null, late: 0, lateDuringGc: 0, gaps: [], done: false, error: null };
}

interface GcWindow {
  start: number;
  end: number;
}

function openStream(
  pool: Pool,
  origin: string,
  request: { path: string; headers: Record<string, string>; body: string },
  kind: "promptlab" | "baseline",
  cadenceMs: number,
  gcWindows: GcWindow[],
  onFirst: () => void,
  state: StreamState,
): Promise<StreamState> {
  const frame = () => {
    const now = performance.now();
    if (state.lastAt === null) onFirst();
    else {
      const gap = now - state.lastAt;
      state.gaps.push(gap);
      if (gap > cadenceMs + LATE_AFTER_MS) {
        const last = state.lastAt;
        if (gcWindows.some((w) => w.start < now && w.end + cadenceMs > last)) state.lateDuringGc++;
        else state.late++;
      }
    }
    state.lastAt = now;
    state.deltas++;
  };
  const parser = createParser({
    onEvent(event) {
      if (kind === "promptlab") {
        if (event.event === "delta") frame();
        else if (event.event === "done") state.done = true;
        else if (event.event === "error") state.error ??= `error event ${event.data.slice(0, 120)}`;
      } else if (event.data === "[DONE]") state.done = true;
      else if (event.data.includes('"content":"')) frame();
    },
  });
  return pool
    .request({
      origin,
      path: request.path,
      method: "POST",
      headers: { "content-type": "application/json", ...request.headers },
      body: request.body,
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    })
    .then(async (response) => {
      if (response.statusCode !== 200) state.error = `status ${response.statusCode}`;
      const decoder = new TextDecoder();
      for await (const chunk of response.body) parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
      if (!state.done) state.error ??= "ended without its end marker";
      return state;
    })
    .catch((error: unknown) => {
      state.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return state;
    });
}

/** Signals the server to write a heap snapshot (it runs with --heapsnapshot-signal) and moves it to `file` once written. */
async function writeHeapSnapshot(stack: Stack, file: string): Promise<void> {
  const written = async () => (await readdir(RESULTS_DIR)).filter((name) => name.endsWith(".heapsnapshot") && name.includes(String(stack.server.pid)));
  const before = new Set(await written());
  stack.server.child.kill("SIGUSR2");
  for (let waited = 0; waited < 120_000; waited += 500) {
    await sleep(500);
    const fresh = (await written()).filter((name) => !before.has(name));
    // The snapshot is complete when the server answers again.
    if (fresh.length > 0 && (await stack.runtime().then(() => true, () => false))) {
      await rename(path.join(RESULTS_DIR, fresh[0]!), file);
      return;
    }
  }
}

async function openFiles(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}

const directBody = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "stream please" }], stream: true });

function streamRequest(stack: Stack, kind: "promptlab" | "baseline", index: number): { path: string; headers: Record<string, string>; body: string } {
  return kind === "promptlab"
    ? { path: "/chat", headers: { "x-api-key": stack.users[index % stack.users.length]!.key }, body: JSON.stringify({ message: "Stream a long answer, please." }) }
    : { path: "/v1/chat/completions", headers: { authorization: "Bearer sk-bench" }, body: directBody };
}

/** Serves `count` short streams at once and waits for them to end; returns the server's memory before them. */
async function warmUp(stack: Stack, count: number, options: StreamsOptions): Promise<RuntimeMetrics> {
  const cold = await stack.runtime("?gc=1");
  await stack.upstream.configure({ chunks: 10, delayBeforeFirstMs: 50, delayBetweenMs: 50, chunkChars: options.chunkChars });
  const pool = new Pool(stack.url, { connections: null, pipelining: 1 });
  const states = await Promise.all(
    Array.from({ length: count }, (_, index) => {
      const state = newStreamState();
      return openStream(pool, stack.url, streamRequest(stack, "promptlab", index), "promptlab", 50, [], () => {}, state);
    }),
  );
  await pool.close();
  const failed = states.filter((state) => state.error !== null);
  if (failed.length > 0) throw new Error(`${failed.length} of ${count} warm-up streams failed: ${failed[0]!.error}`);
  return cold;
}

async function runPhase(stack: Stack, kind: "promptlab" | "baseline", n: number, options: StreamsOptions, chunks: number, coldIdle: RuntimeMetrics | null) {
  const origin = kind === "promptlab" ? stack.url : stack.upstream.origin;
  const pool = new Pool(origin, { connections: null, pipelining: 1 });
  const gcWindows: GcWindow[] = [];
  const request = (index: number) => streamRequest(stack, kind, index);

  // The idle snapshot is the other side of a diff: bench/heap-diff.ts shows what each stream adds.
  // Taken before the idle reading, so its pause is not in the ramp's loop-delay figures.
  if (kind === "promptlab" && options.heapSnapshot) await writeHeapSnapshot(stack, path.join(RESULTS_DIR, `streams-${n}-idle.heapsnapshot.tmp`));
  const idle = kind === "promptlab" ? await stack.runtime("?gc=1&reset=1") : null;
  let streaming = 0;
  let allStreaming!: () => void;
  const everyoneStreaming = new Promise<void>((resolve) => (allStreaming = resolve));
  const onFirst = () => {
    if (++streaming === n) allStreaming();
  };
  const started = performance.now();
  const streams: Array<Promise<StreamState>> = [];
  const live: StreamState[] = [];
  const intervalMs = 1000 / options.openRate;
  for (let index = 0; index < n; ) {
    const due = Math.min(n, Math.floor((performance.now() - started) / intervalMs) + 1);
    for (; index < due; index++) {
      const state = newStreamState();
      live.push(state);
      streams.push(openStream(pool, origin, request(index), kind, options.cadenceMs, gcWindows, onFirst, state));
    }
    await sleep(Math.max(0, started + index * intervalMs - performance.now()));
  }
  // A stream that fails before its first frame never calls onFirst; stop waiting for it when all have settled.
  const settled = Promise.all(streams);
  await Promise.race([everyoneStreaming, settled]);
  const rampSeconds = (performance.now() - started) / 1000;
  const duringRamp = kind === "promptlab" ? await stack.runtime("?reset=1") : null;

  // The plateau: every stream open and receiving, until shortly before the first streams finish.
  const streamSeconds = (chunks * options.cadenceMs) / 1000;
  const plateauEnd = started + streamSeconds * 1000 - endMarginMs(options.cadenceMs);
  const plateauStarted = performance.now();
  await sleep(Math.max(0, plateauEnd - performance.now()));
  const plateauSeconds = (performance.now() - plateauStarted) / 1000;
  let duringPlateau: RuntimeMetrics | null = null;
  let withStreams: RuntimeMetrics | null = null;
  let serverFds: number | null = null;
  let answerCharsPerStream = 0;
  if (kind === "promptlab") {
    duringPlateau = await stack.runtime("?reset=1");
    serverFds = await openFiles(stack.server.pid);
    if (options.heapSnapshot) {
      const file = path.join(RESULTS_DIR, `streams-${n}.heapsnapshot.tmp`);
      await writeHeapSnapshot(stack, file);
    }
    // The answer text each stream holds so far is data the server must keep (it stores the answer at
    // the end); the server holds it off the JS heap (AnswerText), so it shows in external, not heap.
    answerCharsPerStream = (live.reduce((sum, s) => sum + s.deltas, 0) / n) * options.chunkChars;
    const gcStart = performance.now();
    withStreams = await stack.runtime("?gc=1");
    gcWindows.push({ start: gcStart, end: performance.now() });
  }

  const states = await settled;
  const totalSeconds = (performance.now() - started) / 1000;
  await pool.close();
  const after = kind === "promptlab" ? await stack.runtime("?gc=1") : null;

  const expected = n * chunks;
  const received = states.reduce((sum, s) => sum + s.deltas, 0);
  const gaps = states.flatMap((s) => s.gaps);
  const errors = states.filter((s) => s.error !== null);
  const perStream = (value: number) => Math.round(value / n);
  // Memory and loop delay per stream mean something only if all N were open together when measured.
  const plateauReached = duringPlateau !== null && duringPlateau.in_flight_chats >= n && plateauSeconds > 0;
  return {
    streams: n,
    ramp_seconds: Number(rampSeconds.toFixed(1)),
    plateau_seconds: Number(plateauSeconds.toFixed(1)),
    total_seconds: Number(totalSeconds.toFixed(1)),
    streams_reached_first_frame: streaming,
    streams_failed: errors.length,
    failure_examples: [...new Set(errors.map((s) => s.error))].slice(0, 5),
    frames_expected: expected,
    frames_received: received,
    frames_dropped: expected - received,
    frames_late: states.reduce((sum, s) => sum + s.late, 0),
    frames_late_during_our_gc: states.reduce((sum, s) => sum + s.lateDuringGc, 0),
    frame_gap_ms: summarize(gaps),
    ...(kind === "promptlab" && idle && withStreams && duringPlateau && duringRamp && after
      ? {
          plateau_reached: plateauReached,
          server_in_flight_at_plateau: duringPlateau.in_flight_chats,
          server_open_files_at_plateau: serverFds,
          heap_bytes_per_stream: plateauReached ? perStream(withStreams.memory.heap_used - idle.memory.heap_used) : null,
          ...(coldIdle ? { heap_bytes_per_stream_against_cold_server: plateauReached ? perStream(withStreams.memory.heap_used - coldIdle.memory.heap_used) : null } : {}),
          answer_text_bytes_per_stream: plateauReached ? Math.round(answerCharsPerStream) : null,
          rss_bytes_per_stream: plateauReached ? perStream(withStreams.memory.rss - idle.memory.rss) : null,
          external_bytes_per_stream: plateauReached ? perStream(withStreams.memory.external - idle.memory.external) : null,
          memory_mib: {
            ...(coldIdle ? { cold_server_heap: mib(coldIdle.memory.heap_used) } : {}),
            idle_heap: mib(idle.memory.heap_used),
            plateau_heap: mib(withStreams.memory.heap_used),
            after_heap: mib(after.memory.heap_used),
            idle_rss: mib(idle.memory.rss),
            plateau_rss: mib(withStreams.memory.rss),
            after_rss: mib(after.memory.rss),
          },
          event_loop_delay_ms: { ramp: duringRamp.event_loop_delay_ms, plateau: plateauReached ? duringPlateau.event_loop_delay_ms : null },
          // Beside the loop delay: a late loop that waited for a collection, or one that was busy.
          gc_pauses_ms: { ramp: duringRamp.gc_pauses_ms, plateau: plateauReached ? duringPlateau.gc_pauses_ms : null },
          // What forwarding costs: the server's CPU over the plateau, as a share of one core and per 1,000 frames.
          server_cpu_plateau: plateauReached ? plateauCpu(duringRamp, duringPlateau, plateauSeconds, n, options.cadenceMs) : null,
        }
      : {}),
  };
}

type PhaseResult = Awaited<ReturnType<typeof runPhase>>;

function plateauCpu(start: RuntimeMetrics, end: RuntimeMetrics, seconds: number, streams: number, cadenceMs: number) {
  const cpuSeconds = (end.cpu_us.user + end.cpu_us.system - start.cpu_us.user - start.cpu_us.system) / 1e6;
  const frames = (streams * seconds * 1000) / cadenceMs;
  return { cores: Number((cpuSeconds / seconds).toFixed(3)), ms_per_1000_frames: Number(((cpuSeconds * 1e6) / frames).toFixed(1)) };
}

const mib = (bytes: number) => Number((bytes / 2 ** 20).toFixed(1));

export async function runStreamsBench(options: StreamsOptions) {
  const stack = options.stack ?? (await startStack({ upstreamHttp2: options.upstreamHttp2 ?? true, nodeFlags: [...(options.serverFlags ?? []), ...(options.heapSnapshot ? [`--diagnostic-dir=${RESULTS_DIR}`, "--heapsnapshot-signal=SIGUSR2"] : [])], cpuProfile: options.cpuProfile ?? false, ...(options.cpuProfile ? { keepProfileAs: path.join(RESULTS_DIR, "streams-server.cpuprofile.tmp") } : {}) }));
  let profile: unknown = null;
  try {
    const idleFds = await openFiles(stack.server.pid);
    // The client's socket, and the upstream's: one each over HTTP/1.1, shared by up to 100 streams over HTTP/2.
    const socketsPerStream = stack.upstreamHttp2 ? 1 + 1 / HTTP2_STREAMS_PER_CONNECTION : 2;
    const maxStreams = Math.floor((FD_LIMIT - idleFds - FD_HEADROOM) / socketsPerStream);
    const results = [];
    const coldIdle = options.warmUpStreams > 0 ? await warmUp(stack, options.warmUpStreams, options) : null;
    for (const [index, requested] of options.counts.entries()) {
      const n = Math.min(requested, maxStreams);
      // Streams must outlast the ramp plus the plateau; a loaded server opens them slower than offered.
      const rampSeconds = (n / options.openRate) * RAMP_ALLOWANCE;
      const chunks = Math.ceil(((rampSeconds + options.plateauSeconds) * 1000 + endMarginMs(options.cadenceMs)) / options.cadenceMs);
      await stack.upstream.configure({ chunks, delayBeforeFirstMs: options.cadenceMs, delayBetweenMs: options.cadenceMs, chunkChars: options.chunkChars });
      const order: Array<"promptlab" | "baseline"> = !options.baseline ? ["promptlab"] : index % 2 === 0 ? ["promptlab", "baseline"] : ["baseline", "promptlab"];
      const phases: { promptlab?: PhaseResult; baseline?: PhaseResult } = {};
      for (const kind of order) phases[kind] = await runPhase(stack, kind, n, options, chunks, kind === "promptlab" && index === 0 ? coldIdle : null);
      results.push({
        requested: requested,
        measured: n,
        capped_by_file_descriptors: n < requested,
        chunks_per_stream: chunks,
        bytes_per_stream_approx: chunks * options.chunkChars,
        ...phases,
      });
    }
    const largest = results.at(-1)!;
    const pl = largest.promptlab!;
    return {
      options: {
        counts: options.counts,
        plateau_seconds: options.plateauSeconds,
        cadence_ms: options.cadenceMs,
        open_rate_per_s: options.openRate,
        chunk_chars: options.chunkChars,
        warm_up_streams: options.warmUpStreams,
        upstream_protocol: upstreamProtocols(stack, false).promptlab,
      },
      file_descriptors: {
        limit: FD_LIMIT,
        server_idle_open_files: idleFds,
        max_streams_that_fit: maxStreams,
        why: `each stream holds ${
          stack.upstreamHttp2
            ? "one socket in the server (the client's) plus a share of an HTTP/2 connection to the upstream (up to 100 streams each)"
            : "two sockets in the server (client and upstream, HTTP/1.1)"
        }; the hard RLIMIT_NOFILE of this sandbox is 20,000 and cannot be raised (prlimit/ulimit: Operation not permitted)`,
      },
      by_count: results,
      targets: [
        target(`concurrent streams in one process (measured ${largest.measured})`, largest.measured, 10_000, "min"),
        target(`heap per stream at ${largest.measured} streams (KB)`, pl.heap_bytes_per_stream == null ? null : pl.heap_bytes_per_stream / 1024, 20, "max"),
        target(`event-loop delay p99 during the plateau at ${largest.measured} streams (ms)`, pl.event_loop_delay_ms?.plateau?.p99 ?? null, 50, "max"),
        target(`frames dropped or late, and streams failed, at ${largest.measured} streams`, pl.frames_dropped + pl.frames_late + pl.streams_failed, 0, "max"),
      ],
    };
  } finally {
    if (!options.stack) profile = await stack.close();
    lastProfile = profile;
  }
}

let lastProfile: unknown = null;

if (isMain(import.meta.url)) {
  const f = flags();
  const result = await runStreamsBench({
    counts: numberList(f.counts, STREAMS_DEFAULTS.counts),
    plateauSeconds: Number(f["plateau-seconds"] ?? STREAMS_DEFAULTS.plateauSeconds),
    cadenceMs: Number(f["cadence-ms"] ?? STREAMS_DEFAULTS.cadenceMs),
    openRate: Number(f["open-rate"] ?? STREAMS_DEFAULTS.openRate),
    chunkChars: Number(f["chunk-chars"] ?? STREAMS_DEFAULTS.chunkChars),
    baseline: f["no-baseline"] !== true,
    upstreamHttp2: f["upstream-http1"] !== true,
    cpuProfile: f.profile === true,
    ...(typeof f["server-flags"] === "string" ? { serverFlags: f["server-flags"].split(" ") } : {}),
    heapSnapshot: f["heap-snapshot"] === true,
    warmUpStreams: Number(f["warm-up-streams"] ?? STREAMS_DEFAULTS.warmUpStreams),
  });
  const file = await writeResult(f.profile ? "streams-profile" : "streams", { ...result, cpu_profile: lastProfile });
  process.stdout.write(`${JSON.stringify({ targets: result.targets, file }, null, 2)}\n`);
}
