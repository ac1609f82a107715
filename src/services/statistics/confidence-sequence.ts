// Always-valid (sequential) confidence interval for the difference of two
// proportions: the asymptotic confidence sequence of Waudby-Smith, Arbour,
// Sinha, Kennedy & Ramdas, "Time-uniform central limit theory and asymptotic
// confidence sequences" (Annals of Statistics, 2024; arXiv 2103.06476), the
// method GrowthBook uses for sequential testing. Checked after every rating, it
// still covers the true difference at every moment with probability >= 95%
// (asymptotically), so looking every minute does not inflate false positives.
//
// Half-width after n observations with per-observation variance s^2 (eq. 9):
//   s * sqrt( 2 (n rho^2 + 1) / (n^2 rho^2) * ln( sqrt(n rho^2 + 1) / alpha ) )
// For two groups, as in GrowthBook, n = n_A + n_B and s^2 = n * Var(difference).
// We use the Agresti-Caffo variance (see proportion.ts) so a group at 0% or 100%
// does not make the interval collapse, and centre on the Agresti-Caffo difference.
//
// Tuning: rho is chosen so the interval is tightest at n* ratings (eq. 161):
//   rho^2 = (-2 ln alpha + ln(-2 ln alpha + 1)) / n*
// PromptLab uses GrowthBook's default n* = 5,000 ratings (both groups
// together), near the ~6,000 that a 5-point lift from a 50% approval rate needs
// with this interval at 80% power, i.e. where decisions are made. The width is
// flat around its optimum: n* = 3,000 or 8,000 changes that need by under 1%.
import { DEFAULT_CONFIDENCE, type Interval } from "./interval.ts";
import { adjustedDifference, adjustedDifferenceVariance, type Proportion } from "./proportion.ts";

export const SEQUENTIAL_TUNING_RATINGS = 5_000;

export function sequentialRhoSquared(alpha: number, tuningN: number): number {
  const logAlpha = Math.log(alpha);
  return (-2 * logAlpha + Math.log(-2 * logAlpha + 1)) / tuningN;
}

/** Half-width of the two-sided confidence sequence at n observations with per-observation variance s2. */
export function sequentialHalfWidth(s2: number, n: number, alpha: number, tuningN = SEQUENTIAL_TUNING_RATINGS): number {
  const rho2 = sequentialRhoSquared(alpha, tuningN);
  const nRho2 = n * rho2;
  return Math.sqrt(s2) * Math.sqrt(((2 * (nRho2 + 1)) / (n * n * rho2)) * Math.log(Math.sqrt(nRho2 + 1) / alpha));
}

/** null while either group has no ratings. */
export function differenceConfidenceSequence(
  control: Proportion,
  variant: Proportion,
  options: { confidence?: number; tuningN?: number } = {},
): Interval | null {
  if (control.trials <= 0 || variant.trials <= 0) return null;
  const alpha = 1 - (options.confidence ?? DEFAULT_CONFIDENCE);
  const n = control.trials + variant.trials;
  const halfWidth = sequentialHalfWidth(n * adjustedDifferenceVariance(control, variant), n, alpha, options.tuningN);
  const centre = adjustedDifference(control, variant);
  return { lower: Math.max(-1, centre - halfWidth), upper: Math.min(1, centre + halfWidth) };
}
