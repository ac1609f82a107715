// Reference values (scripts/statistics-reference-values.py, SciPy 1.17.1):
// - p-values: scipy.stats.chi2_contingency(table, correction=False), Pearson's
//   chi-square on the 2x2 table, whose p-value equals the pooled z-test's;
// - relative difference intervals: scipy.stats.contingency.relative_risk(...)
//   .confidence_interval(0.95), the Katz log method, minus 1;
// - difference intervals: the Agresti-Caffo formula evaluated in Python with
//   scipy.stats.norm.ppf(0.975) (no library routine for it in SciPy).
// 56/70 vs 48/80 is example (a) of Newcombe (1998), "Interval estimation for the
// difference between independent proportions", Statistics in Medicine 17:873-890.
import { describe, expect, it } from "vitest";
import { compareProportions, differenceInterval, relativeDifferenceInterval, twoProportionZTest } from "./two-proportion-test.ts";

const p = (successes: number, trials: number) => ({ successes, trials });

describe("twoProportionZTest", () => {
  it.each([
    [p(56, 70), p(48, 80), 2.650171951258532, 0.008045081368196585],
    [p(480, 1000), p(520, 1000), 1.7888543819998317, 0.07363827012030258],
    [p(300, 500), p(330, 500), 1.9649437297296484, 0.04942075065958095],
    [p(9, 10), p(1, 10), 3.5777087639996634, 0.000346619351134667],
  ])("%o vs %o matches SciPy's chi-square test", (control, variant, absZ, pValue) => {
    const result = twoProportionZTest(control, variant);
    expect(Math.abs(result.zScore)).toBeCloseTo(absZ, 12);
    expect(result.pValue / pValue).toBeCloseTo(1, 10);
  });

  it("signs z by the variant's direction", () => {
    expect(twoProportionZTest(p(480, 1000), p(520, 1000)).zScore).toBeGreaterThan(0);
    expect(twoProportionZTest(p(520, 1000), p(480, 1000)).zScore).toBeLessThan(0);
  });

  it("gives p = 1 for equal rates with unequal allocations (700/1000 vs 140/200)", () => {
    expect(twoProportionZTest(p(700, 1000), p(140, 200))).toEqual({ zScore: 0, pValue: 1 });
  });

  it("gives p = 1, not NaN, when every rating in both groups is a thumbs up", () => {
    expect(twoProportionZTest(p(40, 40), p(25, 25))).toEqual({ zScore: 0, pValue: 1 });
  });
});

describe("differenceInterval (Agresti-Caffo)", () => {
  it.each([
    [p(48, 80), p(56, 70), 0.052452926638053704, 0.33575845547576744],
    [p(480, 1000), p(520, 1000), -0.0038273067322147428, 0.08366762609349207],
    [p(10, 10), p(10, 10), -0.22115031502926005, 0.22115031502926005],
  ])("%o vs %o matches the formula", (control, variant, lower, upper) => {
    const interval = differenceInterval(control, variant);
    expect(interval.lower).toBeCloseTo(lower, 12);
    expect(interval.upper).toBeCloseTo(upper, 12);
  });

  it("does not collapse to a point when all ratings are thumbs up (the Wald interval would)", () => {
    const interval = differenceInterval(p(10, 10), p(10, 10));
    expect(interval.upper - interval.lower).toBeGreaterThan(0.4);
  });

  it("is clipped to [-1, 1] (0/5 vs 5/5 would reach 1.08)", () => {
    expect(differenceInterval(p(0, 5), p(5, 5))).toEqual({ lower: expect.closeTo(0.3476863951615487, 12), upper: 1 });
  });
});

describe("relativeDifferenceInterval (Katz log)", () => {
  it.each([
    [p(48, 80), p(56, 70), 0.07662642276319298, 0.651248511266387],
    [p(480, 1000), p(520, 1000), -0.007719949299616058, 0.1827418179804563],
    [p(700, 1000), p(140, 200), -0.09460893630699363, 0.10449510725353583],
  ])("%o vs %o matches SciPy's relative_risk", (control, variant, lower, upper) => {
    const interval = relativeDifferenceInterval(control, variant)!;
    expect(interval.lower).toBeCloseTo(lower, 12);
    expect(interval.upper).toBeCloseTo(upper, 12);
  });

  it("is undefined while either group has no thumbs up", () => {
    expect(relativeDifferenceInterval(p(0, 10), p(3, 10))).toBeNull();
    expect(relativeDifferenceInterval(p(3, 10), p(0, 10))).toBeNull();
  });
});

describe("compareProportions", () => {
  it("puts the pieces together", () => {
    const result = compareProportions(p(48, 80), p(56, 70))!;
    expect(result.difference).toBeCloseTo(0.2, 14);
    expect(result.relativeDifference).toBeCloseTo(1 / 3, 14);
    expect(result.pValue).toBeCloseTo(0.008045081368196585, 12);
  });

  it("is null when a variant has no feedback at all", () => {
    expect(compareProportions(p(0, 0), p(3, 10))).toBeNull();
    expect(compareProportions(p(3, 10), p(0, 0))).toBeNull();
  });

  it("has no relative difference when the control has no thumbs up", () => {
    const result = compareProportions(p(0, 10), p(5, 10))!;
    expect(result.relativeDifference).toBeNull();
    expect(result.difference).toBe(0.5);
  });
});
