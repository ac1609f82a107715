// Turns one experiment's per-variant counts into the statistics an engineer
// reads: approval with its Wilson interval, each variant against control
// (difference, relative difference, p-value, probability to beat control, the
// always-valid interval), the sample-ratio-mismatch test and the verdict lines.
// Pure: counts in, numbers out; the methods live in ./statistics/.
import { controlOf } from "./assignment.ts";
import { differenceConfidenceSequence } from "./statistics/confidence-sequence.ts";
import type { Interval } from "./statistics/interval.ts";
import { probabilityToBeatControl } from "./statistics/probability-to-beat-control.ts";
import type { Proportion } from "./statistics/proportion.ts";
import { sampleRatioMismatch } from "./statistics/sample-ratio-mismatch.ts";
import { compareProportions, twoProportionZTest } from "./statistics/two-proportion-test.ts";
import { verdictFor, type VerdictCode } from "./statistics/verdict.ts";
import { wilsonInterval } from "./statistics/wilson-interval.ts";

export interface VariantCounts {
  key: string;
  isControl: boolean;
  allocation: number;
  /** Every assigned unit, fallback answers included: what the allocation split. */
  users: number;
  /** The rest count compared answers only (fallback excluded). */
  messages: number;
  ratedMessages: number;
  thumbsUp: number;
  thumbsDown: number;
}

export interface ExperimentState {
  running: boolean;
  killed: boolean;
  shipped: boolean;
}

export interface SampleRatioMismatchResult {
  chi_square: number | null;
  degrees_of_freedom: number;
  p_value: number;
  flagged: boolean;
}

export interface VersusControl {
  /** variant approval - control approval (0.05 = 5 points); null while either has no ratings. */
  difference: number | null;
  /** 95%, Agresti-Caffo. Valid for a single look. */
  difference_interval: Interval | null;
  /** variant approval / control approval - 1; null while the control has no thumbs up. */
  relative_difference: number | null;
  /** 95%, Katz log method. */
  relative_difference_interval: Interval | null;
  /** Two-sided, pooled two-proportion z-test. Valid for a single look. */
  p_value: number | null;
  /** P(variant's approval > control's), Beta(1, 1) priors. */
  probability_to_beat_control: number;
  /** 95% always-valid interval for the difference: safe to check at any time. The verdict uses this. */
  sequential_interval: Interval | null;
  /** variant response rate - control response rate. */
  response_rate_difference: number | null;
  /** Two-sided z-test p-value for the response rates. */
  response_rate_p_value: number | null;
}

export interface VariantAnalysis {
  response_rate: number | null;
  approval_rate: number | null;
  approval_interval: Interval | null;
  vs_control: VersusControl | null;
  verdict: { code: VerdictCode; text: string; ratings_needed: number | null };
}

export interface ExperimentAnalysis {
  sample_ratio_mismatch: SampleRatioMismatchResult | null;
  variants: Map<string, VariantAnalysis>;
}

const ratings = (v: VariantCounts): Proportion => ({ successes: v.thumbsUp, trials: v.thumbsUp + v.thumbsDown });
const responses = (v: VariantCounts): Proportion => ({ successes: v.ratedMessages, trials: v.messages });

function versusControl(control: VariantCounts, variant: VariantCounts, interval: Interval | null): VersusControl {
  const comparison = compareProportions(ratings(control), ratings(variant));
  const responseTest =
    control.messages > 0 && variant.messages > 0 ? twoProportionZTest(responses(control), responses(variant)) : null;
  return {
    difference: comparison?.difference ?? null,
    difference_interval: comparison?.differenceInterval ?? null,
    relative_difference: comparison?.relativeDifference ?? null,
    relative_difference_interval: comparison?.relativeDifferenceInterval ?? null,
    p_value: comparison?.pValue ?? null,
    probability_to_beat_control: probabilityToBeatControl(ratings(control), ratings(variant)),
    sequential_interval: interval,
    response_rate_difference: responseTest ? variant.ratedMessages / variant.messages - control.ratedMessages / control.messages : null,
    response_rate_p_value: responseTest?.pValue ?? null,
  };
}

/**
 * SRM is tested only while users are being split by allocation: a killed,
 * shipped or stopped experiment sends everyone to one variant on purpose.
 */
function srmFor(variants: VariantCounts[], state: ExperimentState): SampleRatioMismatchResult | null {
  if (!state.running || state.killed || state.shipped) return null;
  const result = sampleRatioMismatch(
    variants.map((v) => v.users),
    variants.map((v) => v.allocation),
  );
  return result && { chi_square: result.chiSquare, degrees_of_freedom: result.degreesOfFreedom, p_value: result.pValue, flagged: result.flagged };
}

export function analyseExperiment(variants: VariantCounts[], state: ExperimentState): ExperimentAnalysis {
  const srm = srmFor(variants, state);
  const analysed = new Map<string, VariantAnalysis>();
  if (variants.length === 0) return { sample_ratio_mismatch: srm, variants: analysed };
  const control = controlOf(variants);
  for (const variant of variants) {
    const own = ratings(variant);
    const isControl = variant === control;
    const interval = isControl ? null : differenceConfidenceSequence(ratings(control), own);
    const verdict = verdictFor({
      isControl,
      srmFlagged: srm?.flagged ?? false,
      control: ratings(control),
      variant: own,
      sequentialInterval: interval,
      allocationRatio: control.allocation > 0 ? variant.allocation / control.allocation : 1,
    });
    analysed.set(variant.key, {
      response_rate: variant.messages > 0 ? variant.ratedMessages / variant.messages : null,
      approval_rate: own.trials > 0 ? own.successes / own.trials : null,
      approval_interval: wilsonInterval(own.successes, own.trials),
      vs_control: isControl ? null : versusControl(control, variant, interval),
      verdict: { code: verdict.code, text: verdict.text, ratings_needed: verdict.ratingsNeeded },
    });
  }
  return { sample_ratio_mismatch: srm, variants: analysed };
}
