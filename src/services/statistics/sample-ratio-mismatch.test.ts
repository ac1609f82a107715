// Reference values: SciPy 1.17.1 scipy.stats.chisquare(observed, expected)
// (scripts/statistics-reference-values.py).
import { describe, expect, it } from "vitest";
import { sampleRatioMismatch } from "./sample-ratio-mismatch.ts";

describe("sampleRatioMismatch", () => {
  it.each([
    [[5000, 5200], [50, 50], 3.9215686274509802, 0.0476703806561615],
    [[4880, 5120], [50, 50], 5.76, 0.01639507184919225],
    [[8000, 2100], [80, 20], 3.9603960396039604, 0.04658274252301569],
    [[300, 330, 370], [34, 33, 33], 9.554367201426025, 0.00841967878325261],
  ])("%j against %j matches SciPy and is not flagged at p >= 0.001", (observed, shares, chiSquare, pValue) => {
    const result = sampleRatioMismatch(observed, shares)!;
    expect(result.chiSquare).toBeCloseTo(chiSquare, 10);
    expect(result.pValue / pValue).toBeCloseTo(1, 10);
    expect(result.degreesOfFreedom).toBe(observed.length - 1);
    expect(result.flagged).toBe(false);
  });

  it("gives p = 1 for a perfect split", () => {
    expect(sampleRatioMismatch([5000, 5000], [50, 50])).toMatchObject({ chiSquare: 0, pValue: 1, flagged: false });
  });

  it("flags a 50/50 experiment that got 5,000 vs 5,400 users (p ~ 7e-5)", () => {
    const result = sampleRatioMismatch([5000, 5400], [50, 50])!;
    expect(result.pValue).toBeLessThan(0.001);
    expect(result.flagged).toBe(true);
  });

  it("flags an 80/20 experiment that got a 50/50 split", () => {
    expect(sampleRatioMismatch([500, 500], [80, 20])!.flagged).toBe(true);
  });

  it("flags users in a variant allocated 0%", () => {
    expect(sampleRatioMismatch([10, 3], [100, 0])).toMatchObject({ chiSquare: null, pValue: 0, flagged: true });
  });

  it("ignores a 0% variant with no users in the degrees of freedom", () => {
    expect(sampleRatioMismatch([50, 50, 0], [50, 50, 0])).toMatchObject({ degreesOfFreedom: 1, pValue: 1 });
  });

  it("does not flag tiny samples, where expected counts are below 5", () => {
    const result = sampleRatioMismatch([9, 0], [50, 50])!;
    expect(result.pValue).toBeLessThan(0.01);
    expect(result.flagged).toBe(false);
  });

  it("has nothing to test with no users or a single variant", () => {
    expect(sampleRatioMismatch([0, 0], [50, 50])).toBeNull();
    expect(sampleRatioMismatch([10], [100])).toBeNull();
  });
});
