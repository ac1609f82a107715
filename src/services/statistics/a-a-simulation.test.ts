// Monte Carlo checks of the error rates, with a fixed seed (mulberry32, see
// src/testing/seeded-random.ts) so every run sees the same 1,000 experiments.
//
// Each simulated experiment collects 2,000 ratings per group in 20 looks of 100
// per group. In an A/A experiment both groups share the same true approval rate,
// so every "difference" flagged is a false positive.
//
// Tolerances: over 1,000 independent experiments a false-positive rate of 5% has
// a binomial standard deviation of sqrt(0.05 * 0.95 / 1000) = 0.0069. The
// fixed-horizon test must land within 3 SD of 5% (0.029..0.071); the sequential
// interval, whose guarantee is "at most 5% at any look", must stay under
// 5% + 2.2 SD = 6.5% even when checked at all 20 looks. The same simulation
// also shows the failure the sequential interval prevents: the fixed test
// checked at every look flags far more than 5%, and it checks the method still
// finds real differences (its power matches the model the verdict uses).
import { describe, expect, it } from "vitest";
import { binomialDraw, mulberry32 } from "../../testing/seeded-random.ts";
import { differenceConfidenceSequence } from "./confidence-sequence.ts";
import { sequentialPower } from "./sequential-sample-size.ts";
import { twoProportionZTest } from "./two-proportion-test.ts";

const EXPERIMENTS = 1_000;
const LOOKS = 20;
const SEED = 20_261_127;

interface Outcome {
  fixedAtEnd: boolean;
  fixedAtAnyLook: boolean;
  sequentialAtAnyLook: boolean;
  sequentialAtEndPositive: boolean;
}

function simulate(options: { controlRate: number; variantRate: number; controlPerLook: number; variantPerLook: number; seed: number }) {
  const random = mulberry32(options.seed);
  const outcomes: Outcome[] = [];
  for (let e = 0; e < EXPERIMENTS; e++) {
    const control = { successes: 0, trials: 0 };
    const variant = { successes: 0, trials: 0 };
    const outcome: Outcome = { fixedAtEnd: false, fixedAtAnyLook: false, sequentialAtAnyLook: false, sequentialAtEndPositive: false };
    for (let look = 1; look <= LOOKS; look++) {
      control.successes += binomialDraw(random, options.controlPerLook, options.controlRate);
      control.trials += options.controlPerLook;
      variant.successes += binomialDraw(random, options.variantPerLook, options.variantRate);
      variant.trials += options.variantPerLook;
      const fixed = twoProportionZTest(control, variant).pValue < 0.05;
      const interval = differenceConfidenceSequence(control, variant)!;
      const sequential = interval.lower > 0 || interval.upper < 0;
      outcome.fixedAtAnyLook ||= fixed;
      outcome.sequentialAtAnyLook ||= sequential;
      if (look === LOOKS) {
        outcome.fixedAtEnd = fixed;
        outcome.sequentialAtEndPositive = interval.lower > 0;
      }
    }
    outcomes.push(outcome);
  }
  const share = (pick: (o: Outcome) => boolean) => outcomes.filter(pick).length / EXPERIMENTS;
  return {
    fixedAtEnd: share((o) => o.fixedAtEnd),
    fixedAtAnyLook: share((o) => o.fixedAtAnyLook),
    sequentialAtAnyLook: share((o) => o.sequentialAtAnyLook),
    sequentialAtEndPositive: share((o) => o.sequentialAtEndPositive),
  };
}

describe("1,000 simulated A/A experiments", () => {
  const equal = simulate({ controlRate: 0.7, variantRate: 0.7, controlPerLook: 100, variantPerLook: 100, seed: SEED });

  it("the fixed-horizon z-test, looked at once, flags about 5%", () => {
    expect(equal.fixedAtEnd).toBeGreaterThanOrEqual(0.029);
    expect(equal.fixedAtEnd).toBeLessThanOrEqual(0.071);
  });

  it("the fixed-horizon z-test, looked at 20 times, flags far more than 5% (why peeking needs a sequential method)", () => {
    expect(equal.fixedAtAnyLook).toBeGreaterThan(0.1);
  });

  it("the always-valid interval, looked at 20 times, stays within its nominal 5%", () => {
    expect(equal.sequentialAtAnyLook).toBeLessThanOrEqual(0.065);
  });

  it("holds with unequal allocations (80/20) and a 50% approval rate", () => {
    const unequal = simulate({ controlRate: 0.5, variantRate: 0.5, controlPerLook: 160, variantPerLook: 40, seed: SEED + 1 });
    expect(unequal.fixedAtEnd).toBeGreaterThanOrEqual(0.029);
    expect(unequal.fixedAtEnd).toBeLessThanOrEqual(0.071);
    expect(unequal.sequentialAtAnyLook).toBeLessThanOrEqual(0.065);
  });
});

describe("1,000 simulated experiments with a real 5-point lift (70% -> 75%)", () => {
  it("the always-valid interval finds it as often as the power model predicts", () => {
    const lifted = simulate({ controlRate: 0.7, variantRate: 0.75, controlPerLook: 100, variantPerLook: 100, seed: SEED + 2 });
    const predicted = sequentialPower({ baseline: 0.7, lift: 0.05, allocationRatio: 1 }, 2_000);
    // 4 binomial SDs (about 0.058 here): sampling noise plus the model's own
    // approximation (it treats the estimated variance as known).
    const tolerance = 4 * Math.sqrt((predicted * (1 - predicted)) / EXPERIMENTS);
    expect(Math.abs(lifted.sequentialAtEndPositive - predicted)).toBeLessThan(tolerance);
    expect(lifted.sequentialAtAnyLook).toBeGreaterThan(0.5);
  });
});
