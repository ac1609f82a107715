// The charts' numbers as a table, folded away by default: the canvas is
// invisible to screen readers and keyboards, this is not.
import type { ExperimentResults } from "../api/trpc.ts";
import { formatBucket, formatMoneyTrimmed, formatRate, formatRateInterval } from "../format/stats-format.ts";
import { formatCount } from "../format/metrics-format.ts";

export function ChartDataTable(props: { timeSeries: ExperimentResults["time_series"] }) {
  const { variants, granularity } = props.timeSeries;
  const buckets = variants[0]?.points.map((point) => point.bucket) ?? [];
  if (buckets.length === 0) return null;
  return (
    <details className="chart-data">
      <summary>The numbers behind the charts</summary>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="Chart data">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Bucket (UTC)</th>
              {variants.map((variant) => (
                <th scope="col" key={variant.variant}>
                  {variant.variant}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {buckets.map((bucket, row) => (
              <tr key={bucket}>
                <th scope="row">{formatBucket(bucket, granularity)}</th>
                {variants.map((variant) => {
                  const point = variant.points[row];
                  return (
                    <td key={variant.variant}>
                      {point
                        ? `${formatCount(point.messages)} answers · ${formatMoneyTrimmed(point.cost_usd)} · approval ${formatRate(point.approval_rate)} (${formatRateInterval(point.approval_interval)}), cumulative ${formatRate(point.cumulative_approval_rate)}`
                        : "—"}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
