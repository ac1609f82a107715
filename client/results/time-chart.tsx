// A React wrapper around uPlot, the small canvas time-series library: builds
// the chart from a ChartModel, keeps it as wide as its container, reports the
// bucket under the pointer (so the legend can show its values) and rebuilds
// when the data changes. Times are shown in UTC, like the buckets. With only a
// bucket or two a band has no area to shade, so intervals are also drawn as
// whiskers then.
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Granularity } from "../api/trpc.ts";
import type { ChartModel } from "./chart-data.ts";
import { STEP_SECONDS } from "./granularity.ts";

export interface AxisSpec {
  scale: string;
  side: "left" | "right";
  format(value: number): string;
  /** Fixed limits; otherwise from zero to a little above the largest value. */
  range?: [number, number];
}

interface TimeChartProps {
  model: ChartModel;
  axes: readonly AxisSpec[];
  height: number;
  granularity: Granularity;
  /** The bucket index under the pointer, or null when it leaves. */
  onHover(index: number | null): void;
}

const AXIS_STROKE = "#62626b";
const GRID_STROKE = "#e2e2e6";
/** Up to this many buckets, ticks sit on the buckets themselves (thinned to fit); more, and uPlot picks them. */
const FEW_BUCKETS = 14;
/** Room one tick label needs, in CSS pixels. */
const TICK_WIDTH_PX = 72;
/** With this few buckets a band has no area, so intervals get whiskers too. */
const WHISKER_BUCKETS = 2;

const DAY_TICK = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric" });
const HOUR_TICK = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

function tickLabel(seconds: number, granularity: Granularity, first: boolean): string {
  const date = new Date(seconds * 1000);
  if (granularity === "day") return DAY_TICK.format(date);
  return first || date.getUTCHours() === 0 ? `${HOUR_TICK.format(date)}\n${DAY_TICK.format(date)}` : HOUR_TICK.format(date);
}

/** Vertical interval bars at each point, for when a band would have no width. */
function drawWhiskers(plot: uPlot, model: ChartModel): void {
  const ctx = plot.ctx;
  const ratio = window.devicePixelRatio || 1;
  ctx.save();
  ctx.lineWidth = 2 * ratio;
  model.bands.forEach((band, bandIndex) => {
    const upper = model.lines[band.upper]!;
    const lower = model.lines[band.lower]!;
    ctx.strokeStyle = upper.color;
    ctx.globalAlpha = 0.55;
    const offset = (bandIndex - (model.bands.length - 1) / 2) * 6 * ratio;
    model.xs.forEach((x, i) => {
      const high = upper.values[i];
      const low = lower.values[i];
      if (high === null || high === undefined || low === null || low === undefined) return;
      const left = plot.valToPos(x, "x", true) + offset;
      const top = plot.valToPos(high, upper.scale, true);
      const bottom = plot.valToPos(low, lower.scale, true);
      ctx.beginPath();
      ctx.moveTo(left, top);
      ctx.lineTo(left, bottom);
      ctx.moveTo(left - 4 * ratio, top);
      ctx.lineTo(left + 4 * ratio, top);
      ctx.moveTo(left - 4 * ratio, bottom);
      ctx.lineTo(left + 4 * ratio, bottom);
      ctx.stroke();
    });
  });
  ctx.restore();
}

function options(props: TimeChartProps, width: number): uPlot.Options {
  const { model, granularity } = props;
  const half = STEP_SECONDS[granularity] / 2;
  const first = model.xs[0] ?? 0;
  const last = model.xs.at(-1) ?? 0;
  const scales: uPlot.Scales = {
    // Half a bucket either side, so the first and last points sit off the axes.
    x: { time: true, range: () => [first - half, last + half] },
  };
  for (const axis of props.axes) {
    scales[axis.scale] = { range: axis.range ?? ((_u, _min, max) => [0, max > 0 ? max * 1.15 : 1]) };
  }
  const few = model.xs.length <= FEW_BUCKETS;
  return {
    width,
    height: props.height,
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
    legend: { show: false },
    cursor: {
      drag: { x: false, y: false },
      // No hover dot on an interval's bounds: they are a band, not a series to read.
      points: { size: (_u, seriesIndex) => (model.lines[seriesIndex - 1]?.role === "bound" ? 0 : 9) },
    },
    scales,
    series: [
      {},
      ...model.lines.map((line) => ({
        label: line.label,
        scale: line.scale,
        stroke: line.role === "bound" ? "transparent" : line.color,
        width: line.role === "bound" ? 0 : 2,
        points: { show: line.role === "line", size: 7, fill: line.color },
        spanGaps: true,
        ...(line.dash ? { dash: line.dash } : {}),
      })),
    ],
    bands: model.bands.map((band) => ({ series: [band.upper + 1, band.lower + 1] as [number, number], fill: band.fill })),
    axes: [
      {
        stroke: AXIS_STROKE,
        grid: { stroke: GRID_STROKE, width: 1 },
        ticks: { show: false },
        ...(few
          ? {
              splits: (plot: uPlot) => {
                const every = Math.ceil(model.xs.length / Math.max(1, Math.floor(plot.width / TICK_WIDTH_PX)));
                return model.xs.filter((_, index) => index % every === 0);
              },
              values: (_u: uPlot, splits: number[]) => splits.map((split, index) => tickLabel(split, granularity, index === 0)),
            }
          : {}),
      },
      ...props.axes.map((axis, index) => ({
        scale: axis.scale,
        side: axis.side === "left" ? 3 : 1,
        stroke: AXIS_STROKE,
        grid: { show: index === 0, stroke: GRID_STROKE, width: 1 },
        ticks: { show: false },
        size: 56,
        values: (_u: uPlot, splits: number[]) => splits.map((value) => axis.format(value)),
      })),
    ],
    hooks: {
      setCursor: [(plot) => props.onHover(plot.cursor.idx ?? null)],
      ...(model.xs.length <= WHISKER_BUCKETS && model.bands.length > 0 ? { draw: [(plot: uPlot) => drawWhiskers(plot, model)] } : {}),
    },
  };
}

export function TimeChart(props: TimeChartProps) {
  const container = useRef<HTMLDivElement>(null);
  // The chart is built once per model; it reads the latest hover callback through a ref.
  const latest = useRef(props);
  useEffect(() => {
    latest.current = props;
  });
  const { model, axes, height, granularity } = props;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const data = [model.xs, ...model.lines.map((line) => line.values)] as uPlot.AlignedData;
    const hover = (index: number | null) => latest.current.onHover(index);
    const plot = new uPlot(options({ model, axes, height, granularity, onHover: hover }, element.clientWidth), data, element);
    const observer = new ResizeObserver(() => {
      if (element.clientWidth > 0 && element.clientWidth !== plot.width) plot.setSize({ width: element.clientWidth, height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [model, axes, height, granularity]);

  return <div ref={container} className="time-chart" aria-hidden="true" />;
}
