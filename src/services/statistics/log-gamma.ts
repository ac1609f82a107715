// ln Gamma(x) for x > 0 by the Lanczos approximation (g = 7, nine coefficients,
// the widely published set, relative error below 1e-15), with the reflection
// formula below 0.5. Used for Beta functions and the incomplete gamma function.

const G = 7;
const COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export function logGamma(x: number): number {
  if (x < 0.5) {
    // Gamma(x) Gamma(1 - x) = pi / sin(pi x); only called with x > 0 here, where sin > 0.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const shifted = x - 1;
  let sum = COEFFICIENTS[0]!;
  for (let i = 1; i < COEFFICIENTS.length; i++) sum += COEFFICIENTS[i]! / (shifted + i);
  const t = shifted + G + 0.5;
  return HALF_LOG_2PI + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b). */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}
