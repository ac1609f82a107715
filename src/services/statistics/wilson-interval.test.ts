// Reference values: Newcombe (1998), "Two-sided confidence intervals for the
// single proportion", Statistics in Medicine 17:857-872, examples 81/263,
// 15/148, 0/20 and 1/29 (Wilson score method, published to 4 decimals), and
// SciPy 1.17.1 binomtest(k, n).proportion_ci(method="wilson") for all digits.
import { describe, expect, it } from "vitest";
import { wilsonInterval } from "./wilson-interval.ts";

describe("wilsonInterval", () => {
  it.each([
    [81, 263, 0.2552885198782742, 0.36620957698280004, 0.2553, 0.3662],
    [15, 148, 0.06238639953073629, 0.16048724172330803, 0.0624, 0.1605],
    [0, 20, 0, 0.16112515805281935, 0, 0.1611],
    [1, 29, 0.006113214292762667, 0.17175521879320282, 0.0061, 0.1718],
  ])("%d/%d matches Newcombe's table and SciPy", (k, n, lower, upper, newcombeLower, newcombeUpper) => {
    const interval = wilsonInterval(k, n)!;
    expect(interval.lower).toBeCloseTo(lower, 12);
    expect(interval.upper).toBeCloseTo(upper, 12);
    expect(Number(interval.lower.toFixed(4))).toBe(newcombeLower);
    expect(Number(interval.upper.toFixed(4))).toBe(newcombeUpper);
  });

  it.each([
    [0, 1, 0, 0.7934506856227626],
    [1, 1, 0.20654931437723745, 1],
    [50, 50, 0.9286524008666412, 1],
    [7, 10, 0.39677814746114526, 0.892208732593699],
  ])("edge case %d/%d (all or nothing) stays inside [0, 1] and matches SciPy", (k, n, lower, upper) => {
    const interval = wilsonInterval(k, n)!;
    expect(interval.lower).toBeCloseTo(lower, 12);
    expect(interval.upper).toBeCloseTo(upper, 12);
  });

  it("is null with zero feedback", () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it("is exactly 0 and 1 at the edges, never -1e-17", () => {
    expect(wilsonInterval(0, 5)!.lower).toBe(0);
    expect(wilsonInterval(5, 5)!.upper).toBe(1);
  });
});
