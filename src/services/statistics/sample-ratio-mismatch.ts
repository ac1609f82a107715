// Sample ratio mismatch: are users split across variants the way the allocation
// says? Pearson's chi-square goodness-of-fit test of observed users per variant
// against total * allocation share, df = k - 1 (k = variants with a share).
// Flagged at p < 0.001, the threshold GrowthBook and Optimizely use: a mismatch
// means assignment or logging is broken, and no comparison can be trusted.
// Not flagged while any expected count is below 5 (Cochran's rule: the
// chi-square approximation is unreliable there), though the p-value is reported.
import { chiSquareSurvival } from "./chi-square.ts";

export const SRM_P_VALUE_THRESHOLD = 0.001;

export interface SampleRatioMismatch {
  /** null when users sit in a variant with a 0% allocation (infinitely unlikely). */
  chiSquare: number | null;
  degreesOfFreedom: number;
  pValue: number;
  flagged: boolean;
}

/** null when there is nothing to test: fewer than two allocated variants or no users. */
export function sampleRatioMismatch(observed: readonly number[], allocations: readonly number[]): SampleRatioMismatch | null {
  if (observed.length !== allocations.length) throw new RangeError("one allocation per observed count");
  const totalUsers = observed.reduce((sum, count) => sum + count, 0);
  if (totalUsers === 0) return null;
  if (observed.some((count, i) => count > 0 && !(allocations[i]! > 0))) {
    return { chiSquare: null, degreesOfFreedom: observed.length - 1, pValue: 0, flagged: true };
  }
  const shares = allocations.map((share) => Math.max(0, share));
  const totalShare = shares.reduce((sum, share) => sum + share, 0);
  const allocated = shares.filter((share) => share > 0).length;
  if (allocated < 2) return null;
  const degreesOfFreedom = allocated - 1;

  let chiSquare = 0;
  let smallestExpected = Number.POSITIVE_INFINITY;
  for (const [i, count] of observed.entries()) {
    if (shares[i] === 0) continue;
    const expected = (totalUsers * shares[i]!) / totalShare;
    smallestExpected = Math.min(smallestExpected, expected);
    chiSquare += (count - expected) ** 2 / expected;
  }
  const pValue = chiSquareSurvival(chiSquare, degreesOfFreedom);
  return { chiSquare, degreesOfFreedom, pValue, flagged: pValue < SRM_P_VALUE_THRESHOLD && smallestExpected >= 5 };
}
