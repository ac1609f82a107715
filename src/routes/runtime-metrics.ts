// GET /internal/runtime (admin only): this process's memory, CPU time,
// event-loop delay (beyond the 10 ms sampling interval, since the first call),
// garbage-collection pauses by kind (since the first call), in-flight chat
// streams and the feedback writer's batch counters. The benchmarks read it because heap per stream
// and event-loop delay can only be measured inside the server.
//   ?gc=1     collect garbage first (when the process runs with --expose-gc),
//             so heap figures are live data, not garbage not yet collected
//   ?reset=1  restart the event-loop delay histogram and the pause counts after reading them
import type { IncomingMessage, ServerResponse } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { AppDeps } from "../deps.ts";
import { ForbiddenError, MethodNotAllowedError } from "../errors.ts";
import { sendJson } from "../http/respond.ts";
import { apiKeyFrom } from "./api-key-header.ts";
import { GcPauses } from "./gc-pauses.ts";

export const RUNTIME_METRICS_PATH = "/internal/runtime";

// 10 ms sampling keeps the monitor itself negligible; delays shorter than that are not the problem it looks for.
const LOOP_DELAY_RESOLUTION_MS = 10;

// The histogram records the time between samples, so the sampling interval itself is taken off: what is left is lateness.
const lateMs = (ns: number) => Math.max(0, Math.round(ns / 1e4) / 100 - LOOP_DELAY_RESOLUTION_MS);

function collectGarbage(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") return false;
  // Twice: the first pass can leave objects whose finalizers free more on the second.
  gc();
  gc();
  return true;
}

export function createRuntimeMetricsRoute(deps: AppDeps) {
  // Started by the first request, so a server nobody measures runs no sampling timer.
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  const gcPauses = new GcPauses();
  let sampling = false;

  return async function runtimeMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET") throw new MethodNotAllowedError(`Use GET for ${RUNTIME_METRICS_PATH}.`);
    const user = await deps.auth.authenticate(apiKeyFrom(req));
    if (user.role !== "admin") throw new ForbiddenError("This needs the admin role.");
    if (!sampling) {
      loopDelay.enable();
      gcPauses.start();
      sampling = true;
    }
    const query = new URL(req.url ?? "/", "http://localhost").searchParams;
    const collected = query.get("gc") === "1" && collectGarbage();
    // Counted in this reading, not the next window's (a ?gc=1&reset=1 reading starts a measurement).
    await gcPauses.settled();
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    const body = {
      pid: process.pid,
      uptime_s: Math.round(process.uptime() * 1000) / 1000,
      gc_ran: collected,
      memory: {
        rss: memory.rss,
        heap_used: memory.heapUsed,
        heap_total: memory.heapTotal,
        external: memory.external,
        array_buffers: memory.arrayBuffers,
      },
      cpu_us: { user: cpu.user, system: cpu.system },
      event_loop_delay_ms: {
        min: loopDelay.count === 0 ? 0 : lateMs(loopDelay.min),
        p50: lateMs(loopDelay.percentile(50)),
        p99: lateMs(loopDelay.percentile(99)),
        max: lateMs(loopDelay.max),
        samples: loopDelay.count,
      },
      gc_pauses_ms: gcPauses.read(),
      in_flight_chats: deps.lifecycle.inFlight,
      // How well group commit batches: ratings per statement is ratings / batches.
      feedback_writes: { ...deps.feedbackWriter.counters },
    };
    if (query.get("reset") === "1") {
      loopDelay.reset();
      gcPauses.reset();
    }
    sendJson(res, 200, body, { "Cache-Control": "no-store" });
  };
}
