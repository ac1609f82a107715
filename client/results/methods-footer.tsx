// How every number on the screen was computed, as the server states it, so a
// reader can check the method, not just the result.
import type { ExperimentResults } from "../api/trpc.ts";

type Methods = ExperimentResults["methods"];

const LABELS: Record<keyof Methods, string> = {
  confidence: "Confidence level",
  approval_interval: "Approval interval",
  difference_interval: "Difference interval",
  relative_difference_interval: "Relative difference interval",
  p_value: "p-value",
  probability_to_beat_control: "Probability to beat control",
  sequential_interval: "Always-valid interval",
  sample_ratio_mismatch: "Sample ratio mismatch",
  minimum_detectable_lift: "Lift the verdict sizes for",
  power: "Power",
  compared_answers: "Compared answers",
};

function describe(key: keyof Methods, value: string | number): string {
  if (typeof value === "string") return value;
  if (key === "minimum_detectable_lift") return `${Math.round(value * 100)} percentage points`;
  return `${Math.round(value * 100)}%`;
}

export function MethodsFooter(props: { methods: Methods }) {
  const entries = Object.entries(props.methods) as Array<[keyof Methods, string | number]>;
  return (
    <footer className="card methods" aria-labelledby="methods-title">
      <h2 id="methods-title">Methods</h2>
      <dl>
        {entries.map(([key, value]) => (
          <div key={key} className="method">
            <dt>{LABELS[key] ?? key}</dt>
            <dd data-testid={`method-${key}`}>{describe(key, value)}</dd>
          </div>
        ))}
      </dl>
    </footer>
  );
}
