// Shown only when the users per variant do not match the allocation (chi-square
// p < 0.001): then assignment is broken somewhere and no comparison can be
// trusted, however significant it looks.
import type { ExperimentResults } from "../api/trpc.ts";
import { formatPValue, formatStatistic } from "../format/stats-format.ts";

export function SrmBanner(props: { srm: ExperimentResults["sample_ratio_mismatch"] }) {
  if (!props.srm?.flagged) return null;
  const p = formatPValue(props.srm.p_value);
  return (
    <div className="srm-banner" role="alert" data-testid="srm-banner">
      <strong>Sample ratio mismatch: results unreliable.</strong> The users per variant do not match the allocation (p{p.startsWith("<") ? " " : " = "}
      <span data-testid="srm-p-value">{p}</span>, χ² ={" "}
      <span data-testid="srm-chi-square">{formatStatistic(props.srm.chi_square)}</span>). Find out why before trusting any figure
      below.
    </div>
  );
}
