// Upper tail of the chi-square distribution: P(X >= x) for X ~ chi^2(df), which
// is the regularized upper incomplete gamma function Q(df/2, x/2). Computed as in
// Numerical Recipes (Press et al., 3rd ed., section 6.2): the series for P when
// x < a + 1, the continued fraction (modified Lentz) for Q otherwise, each
// where it converges fast, so tiny p-values keep their relative precision.
import { logGamma } from "./log-gamma.ts";

const EPSILON = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 10_000;

function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function upperContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Regularized upper incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a). */
export function regularizedUpperGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) return Math.max(0, 1 - lowerSeries(a, x));
  return upperContinuedFraction(a, x);
}

/** P(X >= statistic) for X ~ chi^2(degreesOfFreedom). */
export function chiSquareSurvival(statistic: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0)) throw new RangeError("degrees of freedom must be positive");
  if (!(statistic > 0)) return 1;
  if (statistic === Number.POSITIVE_INFINITY) return 0;
  return regularizedUpperGamma(degreesOfFreedom / 2, statistic / 2);
}
