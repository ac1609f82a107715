// Reference values: eq. 9 and eq. 161 of Waudby-Smith et al. (arXiv 2103.06476)
// evaluated in Python (scripts/statistics-reference-values.py), the same
// expressions GrowthBook's gbstats implements (sequential_rho,
// sequential_interval_halfwidth). The formula is the reference, so the
// behavioural checks below and the A/A simulation (a-a-simulation.test.ts)
// carry the real weight: wider than the fixed interval, tightest relative to it
// near n*, and a nominal error rate under repeated looks.
import { describe, expect, it } from "vitest";
import { differenceConfidenceSequence, sequentialHalfWidth, sequentialRhoSquared } from "./confidence-sequence.ts";
import { normalQuantile } from "./normal-distribution.ts";

describe("sequentialHalfWidth", () => {
  it.each([
    [1.0, 100, 3000, 0.5455469630288314],
    [1.0, 3000, 3000, 0.05541508102571847],
    [0.25, 5000, 5000, 0.02146216859413423],
    [0.21, 20000, 3000, 0.010332333513091197],
  ])("s2 = %d, n = %d, n* = %d matches the paper's formula", (s2, n, tuning, expected) => {
    expect(sequentialHalfWidth(s2, n, 0.05, tuning)).toBeCloseTo(expected, 13);
  });

  it("is always wider than the fixed-horizon 95% interval, and shrinks as ratings accrue", () => {
    const z = normalQuantile(0.975);
    let previous = Number.POSITIVE_INFINITY;
    for (const n of [10, 100, 1_000, 5_000, 20_000, 100_000]) {
      const width = sequentialHalfWidth(0.25, n, 0.05);
      expect(width).toBeGreaterThan(z * Math.sqrt(0.25 / n));
      expect(width).toBeLessThan(previous);
      previous = width;
    }
  });

  it("is closest to the fixed interval near its tuning point n*", () => {
    const ratio = (n: number) => sequentialHalfWidth(1, n, 0.05, 5_000) / (normalQuantile(0.975) / Math.sqrt(n));
    expect(ratio(5_000)).toBeLessThan(ratio(500));
    expect(ratio(5_000)).toBeLessThan(ratio(100_000));
  });

  it("computes rho^2 = (-2 ln a + ln(-2 ln a + 1)) / n*", () => {
    const alpha = 0.05;
    expect(sequentialRhoSquared(alpha, 1)).toBeCloseTo(-2 * Math.log(alpha) + Math.log(-2 * Math.log(alpha) + 1), 14);
  });
});

describe("differenceConfidenceSequence", () => {
  const p = (successes: number, trials: number) => ({ successes, trials });

  it("is null while a variant is empty", () => {
    expect(differenceConfidenceSequence(p(0, 0), p(5, 10))).toBeNull();
  });

  it("contains the fixed-horizon Agresti-Caffo interval at the same data", () => {
    const interval = differenceConfidenceSequence(p(480, 1000), p(520, 1000))!;
    expect(interval.lower).toBeLessThan(-0.0038273067322147428);
    expect(interval.upper).toBeGreaterThan(0.08366762609349207);
  });

  it("still has width when every rating is a thumbs up (zero raw variance)", () => {
    const interval = differenceConfidenceSequence(p(200, 200), p(200, 200))!;
    expect(interval.lower).toBeLessThan(0);
    expect(interval.upper).toBeGreaterThan(0);
  });

  it("handles unequal allocations (80/20)", () => {
    const interval = differenceConfidenceSequence(p(4_000, 8_000), p(1_200, 2_000))!;
    expect(interval.lower).toBeGreaterThan(0);
    expect(interval.upper).toBeLessThan(0.2);
  });
});
