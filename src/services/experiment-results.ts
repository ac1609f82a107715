// The detailed results of one experiment, for the results screen: the same
// per-variant statistics as `feedback.stats`, plus the time series and a plain
// statement of the methods behind every number.
import type { Db } from "../db.ts";
import { NotFoundError } from "../errors.ts";
import { experimentStatsFor, type ExperimentStats } from "./experiment-stats.ts";
import { experimentTimeSeries, type Granularity, type TimeSeries } from "./experiment-time-series.ts";
import { SEQUENTIAL_TUNING_RATINGS } from "./statistics/confidence-sequence.ts";
import { DEFAULT_CONFIDENCE } from "./statistics/interval.ts";
import { SRM_P_VALUE_THRESHOLD } from "./statistics/sample-ratio-mismatch.ts";
import { MINIMUM_DETECTABLE_LIFT, TARGET_POWER } from "./statistics/verdict.ts";

export const STATISTICS_METHODS = {
  confidence: DEFAULT_CONFIDENCE,
  approval_interval: "Wilson score interval",
  difference_interval: "Agresti-Caffo interval (fixed horizon)",
  relative_difference_interval: "Katz log interval for the ratio (fixed horizon)",
  p_value: "two-sided pooled two-proportion z-test (fixed horizon)",
  probability_to_beat_control: "Bayesian, Beta(1, 1) priors, closed form (Evan Miller)",
  sequential_interval: `asymptotic confidence sequence (Waudby-Smith et al. 2024), tuned for n* = ${SEQUENTIAL_TUNING_RATINGS} ratings`,
  sample_ratio_mismatch: `chi-square goodness of fit against the allocation, flagged at p < ${SRM_P_VALUE_THRESHOLD}`,
  minimum_detectable_lift: MINIMUM_DETECTABLE_LIFT,
  power: TARGET_POWER,
  compared_answers: "fallback answers (another provider or model than the variant asked for) are excluded",
} as const;

export interface ExperimentResults extends ExperimentStats {
  time_series: TimeSeries;
  methods: typeof STATISTICS_METHODS;
}

export async function experimentResults(
  db: Db,
  experimentKey: string,
  granularity: Granularity,
  now = new Date(),
): Promise<ExperimentResults> {
  const stats = await experimentStatsFor(db, experimentKey);
  if (!stats) throw new NotFoundError(`No experiment with key "${experimentKey}".`);
  const timeSeries = await experimentTimeSeries(
    db,
    experimentKey,
    stats.variants.map((variant) => variant.variant),
    granularity,
    now,
  );
  return { ...stats, time_series: timeSeries, methods: STATISTICS_METHODS };
}
