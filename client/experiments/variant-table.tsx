// One experiment's variants side by side: exposure, feedback, approval,
// latency, tokens and cost. On phones each variant becomes a labelled card
// (the labels come from data-label), so no figure is hidden off-screen.
import type { ExperimentSummary, VariantStats } from "../api/trpc.ts";
import { exactCost, formatCost, formatCount, formatDuration, formatPercent } from "../format/metrics-format.ts";

type VariantInfo = ExperimentSummary["variants"][number];

function ApprovalCell(props: { stats: VariantStats }) {
  const { approval_rate: rate } = props.stats;
  return (
    <td data-metric="approval" data-label="Approval">
      <span className="approval">
        <span className="approval-value">{formatPercent(rate)}</span>
        <span className="approval-bar" aria-hidden="true">
          <span style={{ width: `${Math.round((rate ?? 0) * 100)}%` }} />
        </span>
      </span>
    </td>
  );
}

function VariantHeader(props: { stats: VariantStats; info: VariantInfo | undefined }) {
  const { stats, info } = props;
  const version = info?.activeVersion;
  return (
    <th scope="row">
      <span className="variant-name">{stats.variant}</span>
      {stats.is_control && <span className="tag">control</span>}
      <span className="variant-detail" data-metric="allocation">
        {stats.allocation}% of traffic{version ? ` · prompt v${version.version} · ${version.model}` : ""}
      </span>
    </th>
  );
}

export function VariantTable(props: { name: string; variants: VariantStats[]; info: ReadonlyMap<string, VariantInfo> }) {
  return (
    <table className="variant-table">
      <caption className="visually-hidden">{props.name}: results per variant</caption>
      <thead>
        <tr>
          <th scope="col">Variant</th>
          <th scope="col" className="num">Messages</th>
          <th scope="col" className="num">Feedback</th>
          <th scope="col" className="num">👍 / 👎</th>
          <th scope="col">Approval</th>
          <th scope="col" className="num">Avg latency</th>
          <th scope="col" className="num">Avg first token</th>
          <th scope="col" className="num">Tokens in / out</th>
          <th scope="col" className="num">Cost</th>
        </tr>
      </thead>
      <tbody>
        {props.variants.map((stats) => (
          <tr key={stats.variant} data-variant={stats.variant}>
            <VariantHeader stats={stats} info={props.info.get(stats.variant)} />
            <td className="num" data-metric="messages" data-label="Messages">
              {formatCount(stats.messages)}
            </td>
            <td className="num" data-metric="feedback" data-label="Feedback">
              {formatCount(stats.feedback_count)}
            </td>
            <td className="num" data-metric="thumbs" data-label="👍 / 👎">
              {formatCount(stats.thumbs_up)} / {formatCount(stats.thumbs_down)}
            </td>
            <ApprovalCell stats={stats} />
            <td className="num" data-metric="latency" data-label="Avg latency">
              {formatDuration(stats.avg_latency_ms)}
            </td>
            <td className="num" data-metric="ttft" data-label="Avg first token">
              {formatDuration(stats.avg_time_to_first_token_ms)}
            </td>
            <td className="num" data-metric="tokens" data-label="Tokens in / out">
              {formatCount(stats.tokens_in)} / {formatCount(stats.tokens_out)}
            </td>
            <td className="num" data-metric="cost" data-label="Cost" title={exactCost(stats.cost_usd)}>
              {formatCost(stats.cost_usd)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
