// Reference values: P(p_B > p_A) = integral of f_B(x) F_A(x) dx computed by
// numerical quadrature (scipy.integrate.quad over scipy.stats.beta, SciPy 1.17.1,
// absolute error < 1e-12; scripts/statistics-reference-values.py): a different
// method from the closed-form sum under test. Two exact values need no software:
// with no data both rates are uniform, so P = 1/2; with one thumbs up for B only,
// P(Beta(2,1) > U(0,1)) = integral of 2x * x dx = 2/3.
import { describe, expect, it } from "vitest";
import { probabilityToBeatControl } from "./probability-to-beat-control.ts";

const p = (successes: number, trials: number) => ({ successes, trials });

describe("probabilityToBeatControl", () => {
  it.each([
    ["zero feedback in both", p(0, 0), p(0, 0), 0.5],
    ["one thumbs up for the variant only (control empty)", p(0, 0), p(1, 1), 2 / 3],
    ["10/20 vs 15/20", p(10, 20), p(15, 20), 0.9445509292900702],
    ["48/80 vs 56/70", p(48, 80), p(56, 70), 0.9959295389768571],
    ["480/1000 vs 520/1000", p(480, 1000), p(520, 1000), 0.9631219939624432],
    ["3000/5000 vs 3050/5000", p(3000, 5000), p(3050, 5000), 0.8467741841333971],
    ["all thumbs up in both (100/100)", p(100, 100), p(100, 100), 0.5],
  ])("%s matches numerical integration", (_name, control, variant, expected) => {
    expect(probabilityToBeatControl(control, variant)).toBeCloseTo(expected, 10);
  });

  it("is complementary when the groups swap", () => {
    const forward = probabilityToBeatControl(p(30, 50), p(20, 50));
    const backward = probabilityToBeatControl(p(20, 50), p(30, 50));
    expect(forward + backward).toBeCloseTo(1, 12);
  });

  it("stays within 1e-4 of numerical integration past the exact-sum limit (normal approximation)", () => {
    // Same quadrature reference, with the integration range cut to the central 1 - 2e-12 of each Beta.
    expect(probabilityToBeatControl(p(201_000, 404_000), p(202_000, 404_000))).toBeCloseTo(0.986958567484686, 4);
    expect(probabilityToBeatControl(p(250_000, 500_000), p(250_800, 500_000))).toBeCloseTo(0.9452007810631122, 4);
  });
});
