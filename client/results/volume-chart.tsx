// Traffic and spend per bucket: answers (solid, left axis) and their cost
// (dashed, right axis) for each variant, so a jump in approval can be read
// against how many answers and dollars it rests on.
import { useMemo, useState } from "react";
import type { ExperimentResults } from "../api/trpc.ts";
import { formatBucket, formatMoneyTrimmed } from "../format/stats-format.ts";
import { formatCount } from "../format/metrics-format.ts";
import { volumeChartModel } from "./chart-data.ts";
import { Swatch } from "./chart-legend.tsx";
import { TimeChart, type AxisSpec } from "./time-chart.tsx";

const AXES: readonly AxisSpec[] = [
  { scale: "count", side: "left", format: (value) => (Number.isInteger(value) ? String(value) : "") },
  { scale: "usd", side: "right", format: (value) => `$${Number(value.toPrecision(2))}` },
];

export function VolumeChart(props: { timeSeries: ExperimentResults["time_series"] }) {
  const [hovered, setHovered] = useState<number | null>(null);
  const { variants, granularity } = props.timeSeries;
  const model = useMemo(() => volumeChartModel(variants), [variants]);
  const bucket = model.buckets[hovered ?? model.buckets.length - 1];

  return (
    <section className="card chart-card" aria-labelledby="volume-chart-title" data-testid="volume-chart">
      <header className="chart-header">
        <div>
          <h2 id="volume-chart-title">Answers and cost</h2>
          <p className="muted small">Solid: answers per {granularity} (left). Dashed: their cost in USD (right).</p>
        </div>
      </header>
      {bucket === undefined ? (
        <p className="muted">No answers yet.</p>
      ) : (
        <>
          <TimeChart model={model} axes={AXES} height={150} granularity={granularity} onHover={setHovered} />
          <div className="chart-legend">
            <p className="chart-legend-title">
              {hovered === null ? "Latest" : "At"} <time dateTime={bucket}>{formatBucket(bucket, granularity)}</time>
            </p>
            <ul>
              {variants.map((variant, index) => {
                const point = variant.points.find((candidate) => candidate.bucket === bucket);
                return (
                  <li key={variant.variant}>
                    <Swatch index={index} />
                    <span className="variant-name">{variant.variant}</span>
                    <span className="legend-value">{formatCount(point?.messages ?? 0)} answers</span>
                    <Swatch index={index} dashed />
                    <span className="legend-value">{formatMoneyTrimmed(point?.cost_usd ?? "0")}</span>
                  </li>
                );
              })}
            </ul>
          </div>
        </>
      )}
    </section>
  );
}
