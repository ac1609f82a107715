// The seed's metrics row under an answer — ↓ in ↑ out Σ tokens ⚡ latency
// 💰 cost — plus time to first token. Each figure's exact value is in its title.
import { exactCost, formatCost, formatCount, formatDuration } from "../format/metrics-format.ts";
import type { MessageMetrics } from "./chat-item.ts";

function Metric(props: { name: string; icon: string; text: string; title: string }) {
  return (
    <span className="metric" data-metric={props.name} title={props.title}>
      <span aria-hidden="true">{props.icon}</span> {props.text}
    </span>
  );
}

export function MetricsRow(props: { metrics: MessageMetrics }) {
  const { tokensIn, tokensOut, latencyMs, timeToFirstTokenMs, costUsd } = props.metrics;
  return (
    <p className="metrics" aria-label="Answer metrics">
      <Metric name="tokens-in" icon="↓" text={`${formatCount(tokensIn)} in`} title="Input tokens (prompt and history)" />
      <Metric name="tokens-out" icon="↑" text={`${formatCount(tokensOut)} out`} title="Output tokens" />
      <Metric name="tokens-total" icon="Σ" text={`${formatCount(tokensIn + tokensOut)} tokens`} title="Total tokens" />
      <Metric name="latency" icon="⚡" text={formatDuration(latencyMs)} title={`Total time: ${latencyMs ?? "?"} ms`} />
      <Metric name="cost" icon="💰" text={formatCost(costUsd)} title={exactCost(costUsd)} />
      <Metric
        name="ttft"
        icon="⏱"
        text={`${formatDuration(timeToFirstTokenMs)} to first token`}
        title={`Time to first token: ${timeToFirstTokenMs ?? "?"} ms`}
      />
    </p>
  );
}
