// Verdict rules on hand-built cases, including the edge cases the issue names:
// zero feedback, all thumbs up, one variant empty, unequal allocations. The
// needed-ratings figures follow from sequentialSampleSize, whose values are
// checked against Python in required-sample-size.test.ts.
import { describe, expect, it } from "vitest";
import { differenceConfidenceSequence } from "./confidence-sequence.ts";
import { sequentialSampleSize } from "./sequential-sample-size.ts";
import { roundAbout, verdictFor, type VerdictInput } from "./verdict.ts";

const p = (successes: number, trials: number) => ({ successes, trials });

function verdict(control: { successes: number; trials: number }, variant: { successes: number; trials: number }, extra: Partial<VerdictInput> = {}) {
  return verdictFor({
    isControl: false,
    srmFlagged: false,
    control,
    variant,
    sequentialInterval: differenceConfidenceSequence(control, variant),
    allocationRatio: 1,
    ...extra,
  });
}

describe("verdictFor", () => {
  it("puts a sample ratio mismatch above everything, control included", () => {
    const text = "sample ratio mismatch: results unreliable";
    expect(verdict(p(500, 1000), p(700, 1000), { srmFlagged: true })).toMatchObject({ code: "sample_ratio_mismatch", text });
    expect(verdict(p(500, 1000), p(500, 1000), { srmFlagged: true, isControl: true }).text).toBe(text);
  });

  it("names the control as the baseline", () => {
    expect(verdict(p(5, 10), p(5, 10), { isControl: true }).code).toBe("control");
  });

  it("says better or worse when the always-valid interval excludes zero", () => {
    expect(verdict(p(500, 1000), p(600, 1000))).toEqual({ code: "better", text: "better than control", ratingsNeeded: null });
    expect(verdict(p(600, 1000), p(500, 1000))).toEqual({ code: "worse", text: "worse than control", ratingsNeeded: null });
  });

  it("does not call a difference the fixed test would already call (p ~ 0.02) while the sequential interval is unsure", () => {
    // 50% vs 55% on 1,000 each: z-test p = 0.025, but peeking-safe intervals need more data.
    expect(verdict(p(500, 1000), p(552, 1000)).code).toBe("too_few_ratings");
  });

  it("with zero feedback asks for the full sample at a 50% baseline", () => {
    const needed = sequentialSampleSize({ baseline: 0.5, lift: 0.05, allocationRatio: 1 });
    const result = verdict(p(0, 0), p(0, 0));
    expect(result.ratingsNeeded).toBe(needed.control + needed.variant);
    expect(result.text).toBe("no difference detected yet (n too small: need about 6,000 more ratings for 5-point lift)");
  });

  it("with one variant empty counts only what is missing", () => {
    const needed = sequentialSampleSize({ baseline: 502 / 1004, lift: 0.05, allocationRatio: 1 });
    expect(verdict(p(500, 1000), p(0, 0)).ratingsNeeded).toBe(needed.control - 1000 + needed.variant);
  });

  it("with unequal allocations plans the groups in proportion (80/20)", () => {
    const needed = sequentialSampleSize({ baseline: 0.5, lift: 0.05, allocationRatio: 0.25 });
    expect(verdict(p(0, 0), p(0, 0), { allocationRatio: 0.25 }).ratingsNeeded).toBe(needed.control + needed.variant);
  });

  it("never decides on a handful of ratings, however lopsided", () => {
    expect(verdict(p(0, 3), p(3, 3)).code).toBe("too_few_ratings");
  });

  it("with all thumbs up in both and plenty of ratings says there is no 5-point difference", () => {
    expect(verdict(p(5000, 5000), p(5000, 5000))).toMatchObject({ code: "no_difference", ratingsNeeded: 0 });
  });
});

describe("roundAbout", () => {
  it("rounds up to two significant figures", () => {
    expect(roundAbout(5988)).toBe(6000);
    expect(roundAbout(1563)).toBe(1600);
    expect(roundAbout(1500)).toBe(1500);
    expect(roundAbout(99.2)).toBe(100);
    expect(roundAbout(7)).toBe(7);
  });
});
