// Bayesian probability that the variant's true approval rate exceeds the
// control's, each rate with a uniform Beta(1, 1) prior updated by its thumbs up
// and down: P(p_B > p_A) with p ~ Beta(1 + up, 1 + down).
//
// Closed form (Evan Miller, "Formulas for Bayesian A/B Testing", 2015):
//   P(p_B > p_A) = sum_{i=0}^{a_B - 1} B(a_A + i, b_A + b_B) / ((b_B + i) B(1 + i, b_B) B(a_A, b_A))
// summed in log space. It needs a_B terms, so we sum over whichever group has
// fewer successes (P(B > A) = 1 - P(A > B): ties have probability zero). Past
// MAX_EXACT_TERMS the normal approximation of the two Betas is used; at that size
// it is within 1e-4 of the exact value, and the sum would cost milliseconds.
import { logBeta } from "./log-gamma.ts";
import { normalCdf } from "./normal-distribution.ts";
import type { Proportion } from "./proportion.ts";

const MAX_EXACT_TERMS = 200_000;

interface BetaPosterior {
  a: number;
  b: number;
}

function posterior(sample: Proportion): BetaPosterior {
  return { a: 1 + sample.successes, b: 1 + (sample.trials - sample.successes) };
}

/** P(X_B > X_A) for X ~ Beta, by Evan Miller's sum over a_B (an integer). */
function exactProbabilityGreater(first: BetaPosterior, second: BetaPosterior): number {
  let total = 0;
  const base = -logBeta(first.a, first.b);
  for (let i = 0; i < second.a; i++) {
    total += Math.exp(
      base + logBeta(first.a + i, first.b + second.b) - Math.log(second.b + i) - logBeta(1 + i, second.b),
    );
  }
  return total;
}

function normalApproximation(first: BetaPosterior, second: BetaPosterior): number {
  const moments = ({ a, b }: BetaPosterior) => ({
    mean: a / (a + b),
    variance: (a * b) / ((a + b) ** 2 * (a + b + 1)),
  });
  const x = moments(first);
  const y = moments(second);
  return normalCdf((y.mean - x.mean) / Math.sqrt(x.variance + y.variance));
}

export function probabilityToBeatControl(control: Proportion, variant: Proportion): number {
  const a = posterior(control);
  const b = posterior(variant);
  let probability: number;
  if (Math.min(a.a, b.a) > MAX_EXACT_TERMS) probability = normalApproximation(a, b);
  else if (b.a <= a.a) probability = exactProbabilityGreater(a, b);
  else probability = 1 - exactProbabilityGreater(b, a);
  return Math.min(1, Math.max(0, probability));
}
