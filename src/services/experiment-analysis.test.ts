// The per-experiment assembly on plain counts: which variant is the control,
// what each comparison holds, and the edge cases (zero feedback, all thumbs up,
// an empty variant, unequal allocations, three variants, SRM).
import { describe, expect, it } from "vitest";
import { analyseExperiment, type VariantCounts } from "./experiment-analysis.ts";
import { compareProportions } from "./statistics/two-proportion-test.ts";

const running = { running: true, killed: false, shipped: false };

function counts(key: string, allocation: number, up: number, down: number, extra: Partial<VariantCounts> = {}): VariantCounts {
  const rated = up + down;
  return { key, isControl: false, allocation, users: 1000, messages: rated * 2, ratedMessages: rated, thumbsUp: up, thumbsDown: down, ...extra };
}

describe("analyseExperiment", () => {
  it("compares every variant with the control and calls a clear winner", () => {
    const result = analyseExperiment([counts("a", 50, 500, 500, { isControl: true }), counts("b", 50, 650, 350)], running);
    const b = result.variants.get("b")!;
    const reference = compareProportions({ successes: 500, trials: 1000 }, { successes: 650, trials: 1000 })!;
    expect(b.vs_control).toMatchObject({
      difference: reference.difference,
      difference_interval: reference.differenceInterval,
      relative_difference: reference.relativeDifference,
      p_value: reference.pValue,
      response_rate_difference: 0,
      response_rate_p_value: 1,
    });
    expect(b.vs_control!.probability_to_beat_control).toBeGreaterThan(0.999);
    expect(b.vs_control!.sequential_interval!.lower).toBeGreaterThan(0);
    expect(b.verdict).toEqual({ code: "better", text: "better than control", ratings_needed: null });
    expect(result.variants.get("a")!.verdict.code).toBe("control");
  });

  it("uses the first variant as control when none is marked", () => {
    const result = analyseExperiment([counts("a", 50, 10, 10), counts("b", 50, 10, 10)], running);
    expect(result.variants.get("a")!.vs_control).toBeNull();
    expect(result.variants.get("b")!.vs_control).not.toBeNull();
  });

  it("handles zero feedback everywhere", () => {
    const result = analyseExperiment([counts("a", 50, 0, 0, { isControl: true, messages: 0 }), counts("b", 50, 0, 0, { messages: 0 })], running);
    const b = result.variants.get("b")!;
    expect(b).toMatchObject({ response_rate: null, approval_rate: null, approval_interval: null });
    expect(b.vs_control).toMatchObject({ difference: null, p_value: null, sequential_interval: null, response_rate_p_value: null });
    expect(b.vs_control!.probability_to_beat_control).toBeCloseTo(0.5, 12);
    expect(b.verdict.code).toBe("too_few_ratings");
  });

  it("handles all thumbs up in both variants", () => {
    const result = analyseExperiment([counts("a", 50, 300, 0, { isControl: true }), counts("b", 50, 300, 0)], running);
    const b = result.variants.get("b")!;
    expect(b.approval_interval!.upper).toBe(1);
    expect(b.vs_control).toMatchObject({ difference: 0, p_value: 1, relative_difference: 0 });
    expect(b.vs_control!.probability_to_beat_control).toBeCloseTo(0.5, 12);
    expect(["too_few_ratings", "no_difference"]).toContain(b.verdict.code);
  });

  it("handles an empty variant: no comparison, and the ratings it still needs", () => {
    // Early on (4 users so far) an empty variant is no evidence of a broken split.
    const early = analyseExperiment(
      [counts("a", 50, 600, 400, { isControl: true, users: 4 }), counts("b", 50, 0, 0, { users: 0, messages: 0 })],
      running,
    );
    const b = early.variants.get("b")!;
    expect(b.vs_control!.difference).toBeNull();
    expect(b.verdict.code).toBe("too_few_ratings");
    expect(b.verdict.ratings_needed).toBeGreaterThan(1000);
    // With 1,000 users in control and none in a 50% variant, assignment is broken.
    const later = analyseExperiment(
      [counts("a", 50, 600, 400, { isControl: true, users: 1000 }), counts("b", 50, 0, 0, { users: 0, messages: 0 })],
      running,
    );
    expect(later.variants.get("b")!.verdict.code).toBe("sample_ratio_mismatch");
  });

  it("plans with unequal allocations and tests the split against them", () => {
    const balanced = analyseExperiment([counts("a", 50, 0, 0, { isControl: true }), counts("b", 50, 0, 0)], running);
    const lopsided = analyseExperiment(
      [counts("a", 80, 0, 0, { isControl: true, users: 800 }), counts("b", 20, 0, 0, { users: 200 })],
      running,
    );
    // A 20% variant needs more total ratings for the same lift than a 50/50 split.
    expect(lopsided.variants.get("b")!.verdict.ratings_needed!).toBeGreaterThan(balanced.variants.get("b")!.verdict.ratings_needed!);
    expect(lopsided.sample_ratio_mismatch).toMatchObject({ chi_square: 0, p_value: 1, flagged: false });
  });

  it("compares each of three variants with the control", () => {
    const result = analyseExperiment(
      [counts("a", 34, 500, 500, { isControl: true }), counts("b", 33, 650, 350), counts("c", 33, 350, 650)],
      running,
    );
    expect(result.variants.get("b")!.verdict.code).toBe("better");
    expect(result.variants.get("c")!.verdict.code).toBe("worse");
    expect(result.sample_ratio_mismatch!.degrees_of_freedom).toBe(2);
  });

  it("flags a sample ratio mismatch for every variant, and skips the test when traffic is not being split", () => {
    const variants = [counts("a", 50, 500, 500, { isControl: true, users: 5000 }), counts("b", 50, 650, 350, { users: 5400 })];
    const flagged = analyseExperiment(variants, running);
    expect(flagged.sample_ratio_mismatch!.flagged).toBe(true);
    expect([...flagged.variants.values()].map((v) => v.verdict.code)).toEqual(["sample_ratio_mismatch", "sample_ratio_mismatch"]);
    for (const state of [{ ...running, killed: true }, { ...running, shipped: true }, { ...running, running: false }]) {
      expect(analyseExperiment(variants, state).sample_ratio_mismatch).toBeNull();
    }
  });
});
