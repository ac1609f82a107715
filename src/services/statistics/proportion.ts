// A count of successes out of trials: thumbs up out of rated answers.
export interface Proportion {
  successes: number;
  trials: number;
}

export function rate(sample: Proportion): number | null {
  return sample.trials > 0 ? sample.successes / sample.trials : null;
}

/**
 * Agresti & Caffo (2000): add one success and one failure to each group before
 * estimating the variance of a difference. It keeps intervals honest at 0% or
 * 100% (where the plain variance is zero) and costs nothing at large n.
 */
export function adjustedDifferenceVariance(control: Proportion, variant: Proportion): number {
  const part = (sample: Proportion) => {
    const p = (sample.successes + 1) / (sample.trials + 2);
    return (p * (1 - p)) / (sample.trials + 2);
  };
  return part(control) + part(variant);
}

/** The Agresti-Caffo centre: the difference of the adjusted proportions. */
export function adjustedDifference(control: Proportion, variant: Proportion): number {
  return (variant.successes + 1) / (variant.trials + 2) - (control.successes + 1) / (control.trials + 2);
}
