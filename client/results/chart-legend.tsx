// The approval chart's legend, which doubles as its readout: each variant's
// colour, and its approval and interval at the bucket under the pointer, or at
// the latest bucket when the pointer is elsewhere.
import type { ExperimentResults } from "../api/trpc.ts";
import { formatBucket, formatRate, formatRateInterval } from "../format/stats-format.ts";
import type { ApprovalMode } from "./chart-data.ts";
import { variantColor } from "./variant-colors.ts";

export function Swatch(props: { index: number; dashed?: boolean }) {
  return <span className={`swatch${props.dashed ? " dashed" : ""}`} style={{ borderColor: variantColor(props.index) }} aria-hidden="true" />;
}

export function ApprovalLegend(props: {
  series: ExperimentResults["time_series"]["variants"];
  buckets: string[];
  index: number | null;
  mode: ApprovalMode;
  granularity: ExperimentResults["time_series"]["granularity"];
}) {
  const at = props.index ?? props.buckets.length - 1;
  const bucket = props.buckets[at];
  if (!bucket) return null;
  return (
    <div className="chart-legend">
      <p className="chart-legend-title">
        {props.index === null ? "Latest" : "At"}{" "}
        <time dateTime={bucket} data-testid="chart-bucket">
          {formatBucket(bucket, props.granularity)}
        </time>
      </p>
      <ul>
        {props.series.map((variant, index) => {
          const point = variant.points.find((candidate) => candidate.bucket === bucket);
          const rate = props.mode === "cumulative" ? point?.cumulative_approval_rate : point?.approval_rate;
          const interval = props.mode === "cumulative" ? point?.cumulative_approval_interval : point?.approval_interval;
          return (
            <li key={variant.variant} data-testid={`chart-series-${variant.variant}`} data-bucket={bucket}>
              <Swatch index={index} />
              <span className="variant-name">{variant.variant}</span>
              <span className="legend-value">{formatRate(rate)}</span>
              <span className="muted small">{interval ? formatRateInterval(interval) : "no ratings"}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
