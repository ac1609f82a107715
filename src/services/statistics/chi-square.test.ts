// Reference values: SciPy 1.17.1 scipy.stats.chi2.sf (scripts/statistics-reference-values.py).
// The critical values 3.841 (df 1, 5%), 10.828 (df 1), 13.816 (df 2) and 16.266
// (df 3) at 0.1% are the printed chi-square table in any statistics textbook.
import { describe, expect, it } from "vitest";
import { chiSquareSurvival } from "./chi-square.ts";
import { normalSurvival } from "./normal-distribution.ts";

describe("chiSquareSurvival", () => {
  it.each([
    [3.841458820694124, 1, 0.05],
    [10.827566170662733, 1, 0.001],
    [13.815510557964274, 2, 0.001],
    [16.26623619623813, 3, 0.001],
  ])("gives the table's tail probability at critical value %d (df %d)", (x, df, expected) => {
    expect(chiSquareSurvival(x, df) / expected).toBeCloseTo(1, 12);
  });

  it.each([
    [0.5, 1, 0.47950012218695337],
    [1e-6, 1, 0.9992021155721779],
    [40, 3, 1.065509033425585e-8],
    [100, 4, 9.836624224615988e-21],
    [5, 7, 0.6599632296942824],
    [150, 1, 1.7336432457178413e-34],
    [2, 10, 0.9963401531726563],
  ])("P(chi2 >= %d; df %d) matches SciPy with relative precision", (x, df, expected) => {
    expect(chiSquareSurvival(x, df) / expected).toBeCloseTo(1, 11);
  });

  it("agrees with the closed forms for df 1 and 2", () => {
    // df 2: Q = exp(-x/2); df 1: Q = erfc(sqrt(x/2)) = 2 (1 - Phi(sqrt(x))).
    for (const x of [0.3, 1, 4, 9, 30]) {
      expect(chiSquareSurvival(x, 2) / Math.exp(-x / 2)).toBeCloseTo(1, 12);
      expect(chiSquareSurvival(x, 1) / (2 * normalSurvival(Math.sqrt(x)))).toBeCloseTo(1, 12);
    }
  });

  it("is 1 at zero and 0 at infinity", () => {
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(Number.POSITIVE_INFINITY, 3)).toBe(0);
    expect(() => chiSquareSurvival(1, 0)).toThrow(RangeError);
  });
});
