// The statistics table: per variant, its ratings and approval with the Wilson
// interval, and against control the difference, relative difference, p-value,
// probability to beat control and the always-valid interval the verdict uses.
// Each figure keeps its interval under it, so no number is read without its
// uncertainty. On narrow screens the table scrolls with the variant pinned.
import type { ResultsVariant } from "../api/trpc.ts";
import { formatCount } from "../format/metrics-format.ts";
import {
  formatPoints,
  formatPointsInterval,
  formatPValue,
  formatRate,
  formatRateInterval,
  formatRelative,
  formatRelativeInterval,
} from "../format/stats-format.ts";
import { Swatch } from "./chart-legend.tsx";

function Figure(props: { id: string; value: string; interval?: string; intervalLabel?: string }) {
  return (
    <td>
      <span className="figure" data-testid={props.id}>
        {props.value}
      </span>
      {props.interval !== undefined && (
        <span className="figure-interval" data-testid={`${props.id}-interval`} title={props.intervalLabel}>
          {props.interval}
        </span>
      )}
    </td>
  );
}

function Baseline(props: { id: string }) {
  return (
    <td>
      <span className="figure muted" data-testid={props.id}>
        baseline
      </span>
    </td>
  );
}

export function VariantName(props: { variant: ResultsVariant; index: number }) {
  return (
    <th scope="row">
      <Swatch index={props.index} />
      <span className="variant-name">{props.variant.variant}</span>
      {props.variant.is_control && <span className="tag">control</span>}
    </th>
  );
}

export function ApprovalTable(props: { variants: ResultsVariant[] }) {
  return (
    <section className="card results-section" aria-labelledby="approval-table-title">
      <h2 id="approval-table-title">Approval against control</h2>
      <div className="table-scroll" tabIndex={0} role="region" aria-labelledby="approval-table-title">
        <table className="results-table">
          <thead>
            <tr>
              <th scope="col">Variant</th>
              <th scope="col">Ratings</th>
              <th scope="col">Response rate</th>
              <th scope="col">Approval (95%)</th>
              <th scope="col">Difference (95%)</th>
              <th scope="col">Relative (95%)</th>
              <th scope="col">p-value</th>
              <th scope="col">P(beat control)</th>
              <th scope="col">Always-valid 95%</th>
            </tr>
          </thead>
          <tbody>
            {props.variants.map((variant, index) => {
              const { compared, vs_control: vs } = variant;
              return (
                <tr key={variant.variant} data-testid={`variant-row-${variant.variant}`}>
                  <VariantName variant={variant} index={index} />
                  <Figure id="ratings" value={formatCount(compared.rated_messages)} interval={`👍 ${formatCount(compared.thumbs_up)} · 👎 ${formatCount(compared.thumbs_down)}`} />
                  <Figure id="response-rate" value={formatRate(compared.response_rate)} />
                  <Figure id="approval" value={formatRate(compared.approval_rate)} interval={formatRateInterval(compared.approval_interval)} intervalLabel="95% Wilson interval" />
                  {vs === null ? (
                    <>
                      <Baseline id="difference" />
                      <Baseline id="relative" />
                      <Baseline id="p-value" />
                      <Baseline id="p-beat" />
                      <Baseline id="sequential" />
                    </>
                  ) : (
                    <>
                      <Figure id="difference" value={formatPoints(vs.difference)} interval={formatPointsInterval(vs.difference_interval)} intervalLabel="95% interval, valid for a single look" />
                      <Figure id="relative" value={formatRelative(vs.relative_difference)} interval={formatRelativeInterval(vs.relative_difference_interval)} intervalLabel="95% interval, valid for a single look" />
                      <Figure id="p-value" value={formatPValue(vs.p_value)} />
                      <Figure id="p-beat" value={formatRate(vs.probability_to_beat_control)} />
                      <Figure id="sequential" value={formatPointsInterval(vs.sequential_interval)} interval="always-valid 95%" intervalLabel="Safe to check at any time: the verdict uses this interval" />
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
