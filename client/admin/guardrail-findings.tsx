// What the guardrails currently say about one arm: per metric, ok, breach or
// not enough data yet, with the figure, the limit it is held to and the sample
// it rests on.
import type { AdminVariant } from "../api/trpc.ts";
import { formatDuration } from "../format/metrics-format.ts";
import { formatRate } from "../format/stats-format.ts";

type Finding = NonNullable<AdminVariant["guardrails"]["vsControl"]>["verdict"]["findings"][number];

const METRIC: Record<Finding["metric"], string> = {
  approval_rate: "Approval",
  error_rate: "Error rate",
  p95_latency_ms: "p95 latency",
};

const STATUS: Record<Finding["status"], { label: string; tone: string }> = {
  ok: { label: "ok", tone: "good" },
  breach: { label: "breach", tone: "bad" },
  insufficient_data: { label: "too little data", tone: "neutral" },
};

function figure(finding: Finding, value: number | null): string {
  return finding.metric === "p95_latency_ms" ? formatDuration(value) : formatRate(value);
}

function limitText(finding: Finding): string {
  if (finding.limit === null) return "—";
  return `${finding.metric === "approval_rate" ? "≥" : "≤"} ${figure(finding, finding.limit)}`;
}

export function GuardrailFindings(props: { title: string; findings: Finding[] }) {
  return (
    <table className="findings" aria-label={props.title}>
      <caption>{props.title}</caption>
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">State</th>
          <th scope="col">Value</th>
          <th scope="col">Limit</th>
          <th scope="col">Sample</th>
        </tr>
      </thead>
      <tbody>
        {props.findings.map((finding) => {
          const status = STATUS[finding.status];
          return (
            <tr key={finding.metric} data-metric={finding.metric}>
              <th scope="row">{METRIC[finding.metric]}</th>
              <td>
                <span className={`status-pill ${status.tone}`}>{status.label}</span>
              </td>
              <td>{figure(finding, finding.value)}</td>
              <td>{limitText(finding)}</td>
              <td>
                {finding.sample}/{finding.minSample}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
