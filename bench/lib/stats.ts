// Percentiles and the baseline comparison every benchmark reports: the same
// percentiles for PromptLab and for its baseline, their difference and ratio.
export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

const round = (value: number, digits = 3) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = Float64Array.from(values).sort();
  const list = Array.from(sorted);
  const mean = list.length === 0 ? Number.NaN : list.reduce((sum, v) => sum + v, 0) / list.length;
  return {
    count: list.length,
    p50: round(percentile(list, 0.5)) as number,
    p90: round(percentile(list, 0.9)) as number,
    p99: round(percentile(list, 0.99)) as number,
    max: round(list.at(-1) ?? Number.NaN) as number,
    mean: round(mean) as number,
  };
}

export interface Comparison {
  promptlab: Summary;
  baseline: Summary;
  /** promptlab minus baseline, per percentile. */
  difference: { p50: number | null; p90: number | null; p99: number | null };
  /** promptlab divided by baseline, per percentile. */
  ratio: { p50: number | null; p90: number | null; p99: number | null };
}

export function compare(promptlab: readonly number[], baseline: readonly number[]): Comparison {
  const a = summarize(promptlab);
  const b = summarize(baseline);
  const diff = (x: number, y: number) => round(x - y);
  const ratio = (x: number, y: number) => (y > 0 ? round(x / y, 2) : null);
  return {
    promptlab: a,
    baseline: b,
    difference: { p50: diff(a.p50, b.p50), p90: diff(a.p90, b.p90), p99: diff(a.p99, b.p99) },
    ratio: { p50: ratio(a.p50, b.p50), p90: ratio(a.p90, b.p90), p99: ratio(a.p99, b.p99) },
  };
}

export function target(description: string, measured: number | null, limit: number, direction: "max" | "min") {
  const met = measured !== null && Number.isFinite(measured) && (direction === "max" ? measured <= limit : measured >= limit);
  return { description, measured, limit, met, miss_by: met || measured === null ? null : round(Math.abs(measured - limit)) };
}

/** Which side runs first in round i: ABBA order, so slow drift of the machine hits both sides alike. */
export function promptlabFirst(round: number): boolean {
  return round % 4 === 0 || round % 4 === 3;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type PauseTallies = Record<string, { count: number; total_ms: number; max_ms: number }>;

/** Garbage-collection pauses of several windows (GET /internal/runtime's gc_pauses_ms) as one. */
export function combinePauses(windows: readonly PauseTallies[]): PauseTallies {
  const combined: PauseTallies = {};
  for (const window of windows) {
    for (const [kind, tally] of Object.entries(window)) {
      const into = (combined[kind] ??= { count: 0, total_ms: 0, max_ms: 0 });
      into.count += tally.count;
      into.total_ms = Math.round((into.total_ms + tally.total_ms) * 100) / 100;
      into.max_ms = Math.max(into.max_ms, tally.max_ms);
    }
  }
  return combined;
}
