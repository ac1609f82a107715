// Ratings needed before the always-valid interval (confidence-sequence.ts) would
// show a given absolute lift with the requested power. Same normal power model
// GrowthBook uses for its sequential power calculation: the lift is declared when
// the estimate clears the sequential half-width, so
//   power(n) = Phi( (|p2 - p1| - halfWidth(n)) / se(n) ),
//   se(n)^2 = p1 q1 / n_control + p2 q2 / n_variant.
// power(n) rises with n; we double n until it reaches the target, then bisect
// to the smallest control group size.
import { sequentialHalfWidth, SEQUENTIAL_TUNING_RATINGS } from "./confidence-sequence.ts";
import { normalCdf } from "./normal-distribution.ts";
import { targetRate, type GroupSizes, type SampleSizePlan } from "./required-sample-size.ts";

const MAX_CONTROL_RATINGS = 100_000_000;

export function sequentialPower(plan: SampleSizePlan, controlRatings: number, tuningN = SEQUENTIAL_TUNING_RATINGS): number {
  const p1 = plan.baseline;
  const p2 = targetRate(p1, plan.lift);
  const variantRatings = controlRatings * plan.allocationRatio;
  const variance = (p1 * (1 - p1)) / controlRatings + (p2 * (1 - p2)) / variantRatings;
  const n = controlRatings + variantRatings;
  const halfWidth = sequentialHalfWidth(variance * n, n, plan.alpha ?? 0.05, tuningN);
  return normalCdf((Math.abs(p2 - p1) - halfWidth) / Math.sqrt(variance));
}

export function sequentialSampleSize(plan: SampleSizePlan, tuningN = SEQUENTIAL_TUNING_RATINGS): GroupSizes {
  const target = plan.power ?? 0.8;
  const enough = (n: number) => sequentialPower(plan, n, tuningN) >= target;
  let high = 2;
  while (!enough(high) && high < MAX_CONTROL_RATINGS) high *= 2;
  let low = Math.floor(high / 2);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (enough(middle)) high = middle;
    else low = middle;
  }
  return { control: high, variant: Math.ceil(high * plan.allocationRatio) };
}
