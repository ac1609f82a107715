// An open-loop load generator: requests leave at a fixed offered rate whether
// or not earlier ones have answered (the way independent users arrive), so a
// slow server faces a growing queue instead of a politely waiting client.
// Sending is bounded by maxInFlight so an overloaded target cannot exhaust the
// generator; requests not sent for that reason are counted, never hidden.
import { Pool } from "undici";
import { timeStream, type StreamProtocol, type StreamRequest, type StreamTiming } from "./sse-timing.ts";
import { sleep } from "./stats.ts";

export interface OpenLoopOptions {
  pool: Pool;
  origin: string;
  ratePerSecond: number;
  durationMs: number;
  request: (index: number) => StreamRequest;
  protocol: StreamProtocol;
  timeoutMs?: number;
  maxInFlight?: number;
}

export interface OpenLoopResult {
  offered: number;
  sent: number;
  /** Not sent because maxInFlight requests were still open. */
  skipped: number;
  samples: StreamTiming[];
  /** How late requests left against their schedule (the generator's own lag). */
  sendLagMs: number[];
  elapsedMs: number;
}

/** A keep-alive pool with no connection cap, for one origin. */
export function createPool(origin: string): Pool {
  return new Pool(origin, { connections: null, pipelining: 1, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000 });
}

/**
 * Calls `send(index)` at `ratePerSecond` for `durationMs`, on schedule whether
 * or not earlier calls have settled, skipping (and counting) a call while
 * `maxInFlight` are open. Resolves with every call's result once all settle.
 */
export async function openLoop<T>(options: {
  ratePerSecond: number;
  durationMs: number;
  maxInFlight: number;
  send: (index: number) => Promise<T>;
}): Promise<{ offered: number; skipped: number; results: T[]; sendLagMs: number[]; elapsedMs: number }> {
  const intervalMs = 1000 / options.ratePerSecond;
  const total = Math.floor((options.durationMs / 1000) * options.ratePerSecond);
  const pending: Array<Promise<T>> = [];
  const sendLagMs: number[] = [];
  let inFlight = 0;
  let skipped = 0;
  const started = performance.now();
  for (let index = 0; index < total; ) {
    const due = Math.min(total, Math.floor((performance.now() - started) / intervalMs) + 1);
    for (; index < due; index++) {
      if (inFlight >= options.maxInFlight) {
        skipped++;
        continue;
      }
      sendLagMs.push(performance.now() - (started + index * intervalMs));
      inFlight++;
      pending.push(options.send(index).finally(() => inFlight--));
    }
    const nextAt = started + index * intervalMs;
    await sleep(Math.max(0, nextAt - performance.now()));
  }
  const results = await Promise.all(pending);
  return { offered: total, skipped, results, sendLagMs, elapsedMs: performance.now() - started };
}

/** Streamed requests in an open loop, each timed to its headers, first token and last byte. */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const { offered, skipped, results, sendLagMs, elapsedMs } = await openLoop({
    ratePerSecond: options.ratePerSecond,
    durationMs: options.durationMs,
    maxInFlight: options.maxInFlight ?? 2_000,
    send: (index) => timeStream(options.pool, options.origin, options.request(index), options.protocol, timeoutMs),
  });
  return { offered, sent: results.length, skipped, samples: results, sendLagMs, elapsedMs };
}
