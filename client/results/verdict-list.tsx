// One plain-words verdict per variant, exactly as the statistics engine wrote
// it, coloured (and marked, for anyone who cannot tell the colours apart) by
// what it means: better in green, worse or unreliable in red, the rest grey.
import type { ResultsVariant } from "../api/trpc.ts";

type Tone = "good" | "bad" | "neutral";

const TONE: Partial<Record<ResultsVariant["verdict"]["code"], Tone>> = {
  better: "good",
  worse: "bad",
  sample_ratio_mismatch: "bad",
};

const MARK: Record<Tone, string> = { good: "▲", bad: "▼", neutral: "•" };
const SRM_MARK = "⚠";

export function VerdictList(props: { variants: ResultsVariant[] }) {
  return (
    <section className="card results-section" aria-labelledby="verdicts-title">
      <h2 id="verdicts-title">Verdicts</h2>
      <ul className="verdicts">
        {props.variants.map((variant) => {
          const tone = TONE[variant.verdict.code] ?? "neutral";
          return (
            <li key={variant.variant} className={`verdict ${tone}`} data-code={variant.verdict.code}>
              <span className="verdict-mark" aria-hidden="true">
                {variant.verdict.code === "sample_ratio_mismatch" ? SRM_MARK : MARK[tone]}
              </span>
              <span className="variant-name">{variant.variant}</span>
              <span data-testid={`verdict-${variant.variant}`}>{variant.verdict.text}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
