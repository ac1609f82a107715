// Ratings needed to detect a given absolute lift in approval rate with a
// fixed-horizon two-sided test: the standard two-proportion formula without
// continuity correction (Fleiss, Levin & Paik, "Statistical Methods for Rates
// and Proportions", 3rd ed., 2003), generalised to unequal groups with
// r = n_variant / n_control:
//   n_control = [ z_(1-a/2) sqrt(pbar qbar (1 + 1/r)) + z_(1-b) sqrt(p1 q1 + p2 q2 / r) ]^2 / (p2 - p1)^2
//   pbar = (p1 + r p2) / (1 + r),  n_variant = r n_control
// The verdict uses sequential-sample-size.ts instead, because it decides with
// the always-valid interval, which needs more data than a single planned look.
import { normalQuantile } from "./normal-distribution.ts";

export interface SampleSizePlan {
  /** The control's approval rate. */
  baseline: number;
  /** Absolute difference to detect: 0.05 is 5 points. */
  lift: number;
  /** n_variant / n_control, from the traffic allocation. */
  allocationRatio: number;
  alpha?: number;
  power?: number;
}

export interface GroupSizes {
  control: number;
  variant: number;
}

/** The rate the variant must reach: baseline + lift, or baseline - lift when that would pass 100%. */
export function targetRate(baseline: number, lift: number): number {
  return baseline + lift <= 1 ? baseline + lift : baseline - lift;
}

export function fixedHorizonSampleSize(plan: SampleSizePlan): GroupSizes {
  const { baseline: p1, allocationRatio: r } = plan;
  const p2 = targetRate(p1, plan.lift);
  const zAlpha = normalQuantile(1 - (plan.alpha ?? 0.05) / 2);
  const zBeta = normalQuantile(plan.power ?? 0.8);
  const pBar = (p1 + r * p2) / (1 + r);
  const root =
    zAlpha * Math.sqrt(pBar * (1 - pBar) * (1 + 1 / r)) + zBeta * Math.sqrt(p1 * (1 - p1) + (p2 * (1 - p2)) / r);
  const control = Math.ceil((root * root) / (p2 - p1) ** 2);
  return { control, variant: Math.ceil(control * r) };
}
