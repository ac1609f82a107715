// Reference values: SciPy 1.17.1 scipy.stats.norm.cdf / .sf / .ppf, printed by
// scripts/statistics-reference-values.py. Phi(1.96) = 0.9750 and z(0.975) =
// 1.95996 are also the printed-table values every statistics textbook carries.
import { describe, expect, it } from "vitest";
import { erfc, normalCdf, normalQuantile, normalSurvival } from "./normal-distribution.ts";

function expectRelative(actual: number, expected: number, tolerance: number) {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(tolerance);
}

describe("normalCdf", () => {
  it.each([
    [-8, 6.22096057427174e-16],
    [-5, 2.866515718791933e-7],
    [-3, 0.0013498980316300933],
    [-1.96, 0.024997895148220435],
    [-1, 0.15865525393145707],
    [0.5, 0.6914624612740131],
    [1, 0.8413447460685429],
    [1.96, 0.9750021048517795],
    [2.5, 0.9937903346742238],
    [3, 0.9986501019683699],
    [5, 0.9999997133484281],
  ])("Phi(%d) matches SciPy", (z, expected) => {
    expectRelative(normalCdf(z), expected, 1e-13);
  });

  it("is exactly one half at zero and symmetric", () => {
    expect(normalCdf(0)).toBe(0.5);
    for (const z of [0.1, 0.7, 1.3, 2.2, 2.6, 4.1]) expect(normalCdf(z) + normalCdf(-z)).toBeCloseTo(1, 15);
  });

  it("keeps relative precision far into the upper tail", () => {
    expectRelative(normalSurvival(6), 9.865876450376946e-10, 1e-12);
    expectRelative(normalSurvival(8), 6.22096057427174e-16, 1e-12);
    expectRelative(normalSurvival(10), 7.61985302416047e-24, 1e-12);
  });

  it("is continuous where erfc switches from the series to the continued fraction", () => {
    const x = 2.5;
    expect(Math.abs(erfc(x - 1e-12) - erfc(x + 1e-12))).toBeLessThan(1e-14);
  });
});

describe("normalQuantile", () => {
  it.each([
    [1e-10, -6.361340902404056],
    [0.001, -3.090232306167813],
    [0.025, -1.9599639845400545],
    [0.2, -0.8416212335729142],
    [0.8, 0.8416212335729143],
    [0.975, 1.959963984540054],
    [0.999, 3.090232306167813],
    [1 - 1e-10, 6.361340889697422],
  ])("z(%d) matches SciPy", (p, expected) => {
    expectRelative(normalQuantile(p), expected, 1e-12);
  });

  it("is zero at one half and infinite at the ends", () => {
    expect(Math.abs(normalQuantile(0.5))).toBeLessThan(1e-15);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});
