// The Wilson score interval for a proportion (Wilson 1927): the interval that
// inverts the score test, so it never leaves [0, 1] and stays sensible at 0 or
// n successes, where the textbook Wald interval collapses to a point. Newcombe
// (1998) found it the best simple method; it is what the approval rate shows.
import { DEFAULT_CONFIDENCE, type Interval } from "./interval.ts";
import { normalQuantile } from "./normal-distribution.ts";

/** null when there are no trials: nothing is known about the proportion. */
export function wilsonInterval(successes: number, trials: number, confidence = DEFAULT_CONFIDENCE): Interval | null {
  if (trials <= 0) return null;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const halfWidth = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials));
  // Exact at the edges: floating point would otherwise give -1e-17 for 0 successes.
  return {
    lower: successes === 0 ? 0 : Math.max(0, centre - halfWidth),
    upper: successes === trials ? 1 : Math.min(1, centre + halfWidth),
  };
}
