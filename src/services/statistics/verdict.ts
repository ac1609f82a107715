// One plain-words line per variant, decided in this order:
// 1. sample ratio mismatch flagged: nothing else can be trusted;
// 2. the control is the baseline;
// 3. the always-valid (sequential) 95% interval for the difference excludes 0,
//    and both groups are large enough for the normal approximation (pooled
//    approval p: n * min(p, 1 - p) >= 5 in each group, the usual success-failure
//    condition): better or worse than control;
// 4. otherwise no difference yet, with how many more ratings (both groups
//    together) a 5-point lift would need to show in the sequential interval with
//    80% power, from the control's approval rate shrunk as (up + 2) / (n + 4)
//    while it has few ratings;
// 5. if none are needed, no difference: a real one is smaller than 5 points.
import type { Interval } from "./interval.ts";
import type { Proportion } from "./proportion.ts";
import { sequentialSampleSize } from "./sequential-sample-size.ts";

export const MINIMUM_DETECTABLE_LIFT = 0.05;
export const TARGET_POWER = 0.8;
const SUCCESS_FAILURE_MINIMUM = 5;

export type VerdictCode = "sample_ratio_mismatch" | "control" | "better" | "worse" | "too_few_ratings" | "no_difference";

export interface Verdict {
  code: VerdictCode;
  text: string;
  /** More ratings (both groups together) for a 5-point lift to show; null when not applicable. */
  ratingsNeeded: number | null;
}

export interface VerdictInput {
  isControl: boolean;
  srmFlagged: boolean;
  control: Proportion;
  variant: Proportion;
  /** Always-valid interval for variant - control; null while a group has no ratings. */
  sequentialInterval: Interval | null;
  /** variant allocation / control allocation. */
  allocationRatio: number;
}

/** Rounded up to two significant figures: "about 1,600", not "1,563". */
export function roundAbout(count: number): number {
  if (count < 100) return Math.ceil(count);
  const unit = 10 ** (Math.floor(Math.log10(count)) - 1);
  return Math.ceil(count / unit) * unit;
}

function largeEnough(control: Proportion, variant: Proportion): boolean {
  const trials = control.trials + variant.trials;
  if (trials === 0) return false;
  const pooled = (control.successes + variant.successes) / trials;
  const smaller = Math.min(pooled, 1 - pooled);
  return Math.min(control.trials, variant.trials) * smaller >= SUCCESS_FAILURE_MINIMUM;
}

export function ratingsNeededForLift(control: Proportion, variant: Proportion, allocationRatio: number): number {
  const baseline = (control.successes + 2) / (control.trials + 4);
  const needed = sequentialSampleSize({
    baseline,
    lift: MINIMUM_DETECTABLE_LIFT,
    allocationRatio: allocationRatio > 0 ? allocationRatio : 1,
    power: TARGET_POWER,
  });
  return Math.max(0, needed.control - control.trials) + Math.max(0, needed.variant - variant.trials);
}

export function verdictFor(input: VerdictInput): Verdict {
  if (input.srmFlagged) {
    return { code: "sample_ratio_mismatch", text: "sample ratio mismatch: results unreliable", ratingsNeeded: null };
  }
  if (input.isControl) return { code: "control", text: "control: the baseline for the other variants", ratingsNeeded: null };

  const interval = input.sequentialInterval;
  if (interval && largeEnough(input.control, input.variant)) {
    if (interval.lower > 0) return { code: "better", text: "better than control", ratingsNeeded: null };
    if (interval.upper < 0) return { code: "worse", text: "worse than control", ratingsNeeded: null };
  }
  const ratingsNeeded = ratingsNeededForLift(input.control, input.variant, input.allocationRatio);
  if (ratingsNeeded > 0) {
    const about = roundAbout(ratingsNeeded).toLocaleString("en-US");
    return {
      code: "too_few_ratings",
      text: `no difference detected yet (n too small: need about ${about} more ratings for 5-point lift)`,
      ratingsNeeded,
    };
  }
  return {
    code: "no_difference",
    text: "no difference detected (enough ratings for a 5-point lift: any real difference is smaller)",
    ratingsNeeded: 0,
  };
}
