// The one interval shape every statistic returns: bounds of a two-sided
// interval on the same scale as its estimate.
export interface Interval {
  lower: number;
  upper: number;
}

/** The 95% level used everywhere unless a caller asks otherwise. */
export const DEFAULT_CONFIDENCE = 0.95;
