// Reference values: the Fleiss-Levin-Paik formula evaluated in Python with
// scipy.stats.norm.ppf (scripts/statistics-reference-values.py); 388 per group
// for 50% -> 60% can be checked by hand: (1.96 * sqrt(2 * .55 * .45) +
// 0.8416 * sqrt(.25 + .24))^2 / .01 = 387.3. Sequential sizes: the root of the
// same power model found with scipy.optimize.brentq in Python, rounded up.
import { describe, expect, it } from "vitest";
import { fixedHorizonSampleSize, targetRate } from "./required-sample-size.ts";
import { sequentialPower, sequentialSampleSize } from "./sequential-sample-size.ts";

describe("fixedHorizonSampleSize", () => {
  it.each([
    [0.5, 0.1, 1, 388, 388],
    [0.5, 0.05, 1, 1565, 1565],
    [0.7, 0.05, 1, 1251, 1251],
    [0.5, 0.05, 0.25, 3914, 979],
    [0.98, 0.05, 1, 269, 269],
  ])("baseline %d, lift %d, ratio %d needs %d + %d", (baseline, lift, allocationRatio, control, variant) => {
    expect(fixedHorizonSampleSize({ baseline, lift, allocationRatio })).toEqual({ control, variant });
  });

  it("looks for a drop when a rise would pass 100%", () => {
    expect(targetRate(0.98, 0.05)).toBeCloseTo(0.93, 14);
    expect(targetRate(0.5, 0.05)).toBeCloseTo(0.55, 14);
  });
});

describe("sequentialSampleSize", () => {
  it.each([
    [0.5, 1, 2994, 2994],
    [0.7, 1, 2391, 2391],
    [0.5, 0.25, 7541, 1886],
    [0.9, 1, 879, 879],
  ])("baseline %d, ratio %d needs %d + %d for a 5-point lift", (baseline, allocationRatio, control, variant) => {
    expect(sequentialSampleSize({ baseline, lift: 0.05, allocationRatio })).toEqual({ control, variant });
  });

  it("needs more than the fixed-horizon test: always-valid intervals are wider", () => {
    const plan = { baseline: 0.5, lift: 0.05, allocationRatio: 1 };
    expect(sequentialSampleSize(plan).control).toBeGreaterThan(fixedHorizonSampleSize(plan).control);
  });

  it("returns the smallest size reaching 80% power", () => {
    const plan = { baseline: 0.5, lift: 0.05, allocationRatio: 1 };
    const { control } = sequentialSampleSize(plan);
    expect(sequentialPower(plan, control)).toBeGreaterThanOrEqual(0.8);
    expect(sequentialPower(plan, control - 1)).toBeLessThan(0.8);
  });
});
