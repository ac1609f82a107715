// Every benchmark in a tiny configuration (seconds, not minutes), so the
// harness cannot rot: each must run end to end against the real processes and
// produce its numbers. Timing targets are not asserted here; they belong to
// the full runs (npm run bench:*) and docs/BENCHMARKS.md.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runFeedbackBurst } from "./feedback-burst.ts";
import { runLatencyBench } from "./latency.ts";
import { startStack, type Stack } from "./lib/stack.ts";
import { runRateLimitBench } from "./rate-limit.ts";
import { runStartupBench } from "./startup.ts";
import { runStreamsBench } from "./streams.ts";
import { runThroughputBench } from "./throughput.ts";
import { runTokensBench } from "./tokens.ts";

const isNumber = (value: unknown) => typeof value === "number" && Number.isFinite(value);

describe.skipIf(!inject("servicesAvailable"))("benchmark harness smoke runs", () => {
  let stack: Stack;

  beforeAll(async () => {
    // HTTP/2 to the upstream, as the streams benchmark runs it; the others take either.
    stack = await startStack({ users: 3, upstreamHttp2: true });
  }, 90_000);
  afterAll(async () => {
    await stack?.close();
  }, 60_000);

  it("latency: PromptLab and the upstream both answer, with time to first token and last byte", async () => {
    const result = await runLatencyBench({ stack, rates: [40], rounds: 2, roundSeconds: 0.5, warmupSeconds: 0.25, firstTokenDelayMs: 0 });
    const [at40] = result.by_rate;
    expect(at40!.requests.promptlab).toBeGreaterThan(0);
    expect(at40!.time_to_first_token_ms.promptlab.count).toBeGreaterThan(0);
    expect(at40!.time_to_first_token_ms.baseline.count).toBeGreaterThan(0);
    expect(isNumber(at40!.time_to_first_token_ms.difference.p50)).toBe(true);
    expect(isNumber(at40!.time_to_last_byte_ms.difference.p99)).toBe(true);
    expect(at40!.server_gc_pauses_ms).toBeTypeOf("object");
    expect(result.targets).toHaveLength(3);
  }, 60_000);

  it("throughput: completed chats per second and CPU per 1,000 chats", async () => {
    const result = await runThroughputBench({ stack, connections: 4, rounds: 2, roundSeconds: 1, warmupSeconds: 0.5 });
    expect(result.completed_per_s.promptlab).toBeGreaterThan(0);
    expect(result.completed_per_s.baseline).toBeGreaterThan(0);
    expect(result.answers_stored_complete).toBeGreaterThanOrEqual(result.answers_acknowledged);
    expect(isNumber(result.cpu_seconds_per_1000_chats.promptlab.server)).toBe(true);
  }, 60_000);

  it("streams: memory per stream, event-loop delay and frame counts", async () => {
    const result = await runStreamsBench({ stack, counts: [20], plateauSeconds: 2, cadenceMs: 100, openRate: 100, chunkChars: 50, baseline: true, warmUpStreams: 5 });
    const [entry] = result.by_count;
    const promptlab = entry!.promptlab!;
    expect(promptlab.streams_reached_first_frame).toBe(20);
    expect(promptlab.frames_received).toBeGreaterThan(0);
    expect(isNumber(promptlab.heap_bytes_per_stream)).toBe(true);
    expect(isNumber(promptlab.heap_bytes_per_stream_against_cold_server)).toBe(true);
    expect(promptlab.plateau_reached).toBe(true);
    expect(isNumber(promptlab.event_loop_delay_ms?.plateau?.p99)).toBe(true);
    expect(promptlab.gc_pauses_ms?.plateau).toBeTypeOf("object");
    expect(isNumber(promptlab.server_cpu_plateau?.ms_per_1000_frames)).toBe(true);
    expect(entry!.baseline!.frames_received).toBeGreaterThan(0);
    expect(result.options.upstream_protocol).toMatch(/HTTP\/2/);
    expect(result.file_descriptors.max_streams_that_fit).toBeGreaterThan(10_000);
  }, 60_000);

  it("feedback: ratings per second and every acknowledged one in PostgreSQL", async () => {
    const result = await runFeedbackBurst({ ratings: 200, windowMs: 200, rounds: 1, baseline: true });
    expect(result.ratings).toBe(200);
    expect(isNumber(result.throughput_per_s)).toBe(true);
    expect(isNumber(result.baseline_per_s)).toBe(true);
    expect(result.acknowledged_missing_from_postgres).toBe(0);
  }, 90_000);

  it("rate limit: the check alone on Redis and in-process", async () => {
    const result = await runRateLimitBench({ checks: 200, rounds: 2, concurrent: 8 });
    expect(result.fixed_window_ms.redis_vs_ping.promptlab.count).toBe(400);
    expect(isNumber(result.fixed_window_ms.redis_vs_ping.promptlab.p99)).toBe(true);
    expect(isNumber(result.fixed_window_ms.memory.p99)).toBe(true);
    expect(isNumber(result.fixed_window_ms.leased.p99)).toBe(true);
    expect(result.fixed_window_ms.leased.claims_per_1000_checks).toBeGreaterThan(0);
    expect(result.concurrent.redis_checks_per_s).toBeGreaterThan(0);
    expect(result.concurrent.leased_checks_per_s).toBeGreaterThan(0);
  }, 60_000);

  it("tokens: sidecar /count against in-process counting per size", async () => {
    const result = await runTokensBench({ rate: 100, rounds: 2, roundSeconds: 0.3, sizes: [100, 4_096], maxInFlight: 64, texts: ["distinct", "repeated"] });
    expect(result.by_size.map((entry) => `${entry.bytes} ${entry.text}`)).toEqual(["100 distinct", "100 repeated", "4096 distinct", "4096 repeated"]);
    expect(result.targets).toHaveLength(2);
    for (const size of result.by_size) {
      expect(size.sidecar_vs_in_process_ms.promptlab.count).toBeGreaterThan(0);
      expect(isNumber(size.sidecar_vs_in_process_ms.difference.p99)).toBe(true);
      expect(size.http_floor_ms.count).toBeGreaterThan(0);
    }
  }, 60_000);

  it("start-up: first and later starts of the embedded default to a healthy /health", async () => {
    const result = await runStartupBench({ rounds: 1 });
    expect(result.first_start_ms).toBeGreaterThan(0);
    expect(result.later_starts_ms.promptlab.count).toBe(1);
    expect(isNumber(result.later_starts_ms.difference.p50)).toBe(true);
  }, 120_000);
});
