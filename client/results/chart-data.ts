// The results' time series reshaped for a chart: one x axis of bucket starts
// (seconds, as uPlot wants them), and per variant a line plus, for approval,
// the lower and upper bounds that make its shaded interval band. Pure, so the
// shapes are tested without a canvas.
import type { ExperimentResults, TimeSeriesPoint } from "../api/trpc.ts";
import { bandFill, variantColor } from "./variant-colors.ts";

export type ApprovalMode = "cumulative" | "bucket";

export interface ChartLine {
  /** The variant key; bounds carry the variant they belong to. */
  variant: string;
  label: string;
  values: Array<number | null>;
  color: string;
  role: "line" | "bound";
  scale: string;
  dash?: number[];
}

export interface ChartBand {
  /** Indexes into `lines`. */
  upper: number;
  lower: number;
  fill: string;
}

export interface ChartModel {
  /** Bucket starts in seconds since the epoch. */
  xs: number[];
  /** ISO bucket starts, as the server sent them. */
  buckets: string[];
  lines: ChartLine[];
  bands: ChartBand[];
}

type Series = ExperimentResults["time_series"]["variants"];

function bucketsOf(series: Series): string[] {
  const all = new Set<string>();
  for (const variant of series) for (const point of variant.points) all.add(point.bucket);
  return [...all].sort();
}

function valuesOf(points: TimeSeriesPoint[], buckets: string[], pick: (point: TimeSeriesPoint) => number | null): Array<number | null> {
  const byBucket = new Map(points.map((point) => [point.bucket, point]));
  return buckets.map((bucket) => {
    const point = byBucket.get(bucket);
    return point ? pick(point) : null;
  });
}

const asPercent = (rate: number | null | undefined) => (rate === null || rate === undefined ? null : rate * 100);

export function approvalChartModel(series: Series, mode: ApprovalMode): ChartModel {
  const buckets = bucketsOf(series);
  const lines: ChartLine[] = [];
  const bands: ChartBand[] = [];
  series.forEach((variant, index) => {
    const color = variantColor(index);
    const rate = (p: TimeSeriesPoint) => asPercent(mode === "cumulative" ? p.cumulative_approval_rate : p.approval_rate);
    const interval = (p: TimeSeriesPoint) => (mode === "cumulative" ? p.cumulative_approval_interval : p.approval_interval);
    const base = { variant: variant.variant, color, scale: "rate" };
    lines.push({ ...base, label: variant.variant, role: "line", values: valuesOf(variant.points, buckets, rate) });
    lines.push({ ...base, label: `${variant.variant} lower`, role: "bound", values: valuesOf(variant.points, buckets, (p) => asPercent(interval(p)?.lower)) });
    lines.push({ ...base, label: `${variant.variant} upper`, role: "bound", values: valuesOf(variant.points, buckets, (p) => asPercent(interval(p)?.upper)) });
    bands.push({ upper: lines.length - 1, lower: lines.length - 2, fill: bandFill(color) });
  });
  return { xs: buckets.map((bucket) => Date.parse(bucket) / 1000), buckets, lines, bands };
}

/** Answers (solid, left axis) and cost (dashed, right axis) per bucket and variant. */
export function volumeChartModel(series: Series): ChartModel {
  const buckets = bucketsOf(series);
  const lines: ChartLine[] = [];
  series.forEach((variant, index) => {
    const color = variantColor(index);
    lines.push({ variant: variant.variant, label: `${variant.variant} answers`, color, role: "line", scale: "count", values: valuesOf(variant.points, buckets, (p) => p.messages) });
    lines.push({
      variant: variant.variant,
      label: `${variant.variant} cost`,
      color,
      role: "line",
      scale: "usd",
      dash: [5, 4],
      values: valuesOf(variant.points, buckets, (p) => Number(p.cost_usd)),
    });
  });
  return { xs: buckets.map((bucket) => Date.parse(bucket) / 1000), buckets, lines, bands: [] };
}
