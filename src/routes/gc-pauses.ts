// This process's garbage-collection pauses by kind since the last reset. The
// benchmarks set them beside the event-loop delay, to tell a late loop that
// waited for a collection from one that was busy.
import { constants, PerformanceObserver, type PerformanceEntry } from "node:perf_hooks";

export interface GcPauseTally {
  count: number;
  total_ms: number;
  max_ms: number;
}

const KIND_NAMES: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak_callbacks",
};

const round = (ms: number) => Math.round(ms * 100) / 100;

export class GcPauses {
  private tallies = new Map<string, GcPauseTally>();
  private observer: PerformanceObserver | null = null;

  /** Starts counting; until then a process nobody measures observes nothing. */
  start(): void {
    if (this.observer) return;
    this.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.add(entry);
    });
    this.observer.observe({ entryTypes: ["gc"] });
  }

  stop(): void {
    this.observer?.disconnect();
    this.observer = null;
  }

  /**
   * Resolves once the pauses of collections that already ran are counted:
   * Node hands them to the observer a turn of the event loop later, so a
   * reading right after a forced collection would miss it and the next
   * window would count it.
   */
  async settled(): Promise<void> {
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  }

  read(): Record<string, GcPauseTally> {
    const read: Record<string, GcPauseTally> = {};
    for (const [kind, tally] of this.tallies) read[kind] = { count: tally.count, total_ms: round(tally.total_ms), max_ms: round(tally.max_ms) };
    return read;
  }

  reset(): void {
    this.tallies.clear();
  }

  private add(entry: PerformanceEntry & { detail?: { kind?: number } | null }): void {
    const kind = KIND_NAMES[entry.detail?.kind ?? -1] ?? "other";
    const tally = this.tallies.get(kind) ?? { count: 0, total_ms: 0, max_ms: 0 };
    tally.count++;
    tally.total_ms += entry.duration;
    tally.max_ms = Math.max(tally.max_ms, entry.duration);
    this.tallies.set(kind, tally);
  }
}
