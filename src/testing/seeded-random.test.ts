import { describe, expect, it } from "vitest";
import { binomialDraw, mulberry32 } from "./seeded-random.ts";

describe("mulberry32", () => {
  it("repeats its sequence for a seed and differs across seeds", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
  });

  it("is uniform enough for Monte Carlo: mean 1/2, variance 1/12, all in [0, 1)", () => {
    const random = mulberry32(7);
    const n = 200_000;
    let sum = 0;
    let squares = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = random();
      min = Math.min(min, u);
      max = Math.max(max, u);
      sum += u;
      squares += u * u;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    const mean = sum / n;
    // Standard error of the mean is sqrt(1/12 / n) = 0.00065; allow 5 of them.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.0033);
    expect(Math.abs(squares / n - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it("draws binomial counts with the right mean", () => {
    const random = mulberry32(9);
    let total = 0;
    for (let i = 0; i < 1_000; i++) total += binomialDraw(random, 100, 0.7);
    expect(total / 1_000).toBeCloseTo(70, 0);
  });
});
