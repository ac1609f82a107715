// Reference values: SciPy 1.17.1 scipy.special.gammaln (scripts/statistics-reference-values.py).
import { describe, expect, it } from "vitest";
import { logBeta, logGamma } from "./log-gamma.ts";

describe("logGamma", () => {
  it.each([
    [0.1, 2.252712651734206],
    [0.5, 0.5723649429247],
    [1.5, -0.12078223763524526],
    [3.7, 1.428072326665388],
    [10, 12.801827480081469],
    [100.5, 361.43554046777757],
    [1e4, 82099.71749644238],
    [1e6, 12815504.569147611],
  ])("ln Gamma(%d) matches SciPy", (x, expected) => {
    expect(Math.abs(logGamma(x) - expected) / Math.max(1, Math.abs(expected))).toBeLessThan(1e-13);
  });

  it("is zero at 1 and 2, where Gamma is 1", () => {
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(logGamma(2))).toBeLessThan(1e-15);
  });

  it("gives ln B(3, 4) = ln(2! 3! / 6!) = ln(1/60)", () => {
    expect(logBeta(3, 4)).toBeCloseTo(Math.log(1 / 60), 13);
  });
});
