// A variant against control on a yes/no outcome, fixed-horizon style:
// - difference of proportions with the Agresti-Caffo interval (Agresti & Caffo
//   2000, "add two successes and two failures"): the Wald interval with one
//   pseudo-success and one pseudo-failure per group, never degenerate at 0%/100%;
// - relative difference (risk ratio - 1) with the Katz log interval (Katz et al.
//   1978), undefined while either group has no successes;
// - two-sided p-value of the pooled two-proportion z-test, the test whose z^2 is
//   Pearson's chi-square on the 2x2 table without continuity correction.
// Valid for one look at a planned sample size; for continuous monitoring the
// verdict uses confidence-sequence.ts instead.
import { DEFAULT_CONFIDENCE, type Interval } from "./interval.ts";
import { normalQuantile, normalSurvival } from "./normal-distribution.ts";
import { adjustedDifference, adjustedDifferenceVariance, type Proportion } from "./proportion.ts";

export interface ProportionComparison {
  /** variant rate - control rate, in proportion units (0.05 = 5 points). */
  difference: number;
  differenceInterval: Interval;
  /** variant rate / control rate - 1; null while the control has no successes. */
  relativeDifference: number | null;
  relativeDifferenceInterval: Interval | null;
  zScore: number;
  pValue: number;
}

/** Two-sided p-value of the pooled z-test; 1 when both groups agree perfectly (no variance). */
export function twoProportionZTest(control: Proportion, variant: Proportion): { zScore: number; pValue: number } {
  const pooled = (control.successes + variant.successes) / (control.trials + variant.trials);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / control.trials + 1 / variant.trials));
  if (!(standardError > 0)) return { zScore: 0, pValue: 1 };
  const zScore = (variant.successes / variant.trials - control.successes / control.trials) / standardError;
  return { zScore, pValue: Math.min(1, 2 * normalSurvival(Math.abs(zScore))) };
}

/** Agresti-Caffo interval for variant rate - control rate. */
export function differenceInterval(control: Proportion, variant: Proportion, confidence = DEFAULT_CONFIDENCE): Interval {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const centre = adjustedDifference(control, variant);
  const halfWidth = z * Math.sqrt(adjustedDifferenceVariance(control, variant));
  return { lower: Math.max(-1, centre - halfWidth), upper: Math.min(1, centre + halfWidth) };
}

/** Katz log interval for the risk ratio, shifted to relative difference (ratio - 1). */
export function relativeDifferenceInterval(
  control: Proportion,
  variant: Proportion,
  confidence = DEFAULT_CONFIDENCE,
): Interval | null {
  if (control.successes === 0 || variant.successes === 0) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const ratio = variant.successes / variant.trials / (control.successes / control.trials);
  const logSe = Math.sqrt(
    1 / variant.successes - 1 / variant.trials + 1 / control.successes - 1 / control.trials,
  );
  return { lower: ratio * Math.exp(-z * logSe) - 1, upper: ratio * Math.exp(z * logSe) - 1 };
}

/** null while either group has no trials: there is nothing to compare. */
export function compareProportions(
  control: Proportion,
  variant: Proportion,
  confidence = DEFAULT_CONFIDENCE,
): ProportionComparison | null {
  if (control.trials <= 0 || variant.trials <= 0) return null;
  const controlRate = control.successes / control.trials;
  const variantRate = variant.successes / variant.trials;
  return {
    difference: variantRate - controlRate,
    differenceInterval: differenceInterval(control, variant, confidence),
    relativeDifference: control.successes > 0 ? variantRate / controlRate - 1 : null,
    relativeDifferenceInterval: relativeDifferenceInterval(control, variant, confidence),
    ...twoProportionZTest(control, variant),
  };
}
