// Exact-decimal pricing: fixed strings, snapshot matching and precision at
// token counts where a float would already be rounding.
import { describe, expect, it } from "vitest";
import { priceCall, resolvePricedModel } from "./pricing.ts";

describe("priceCall", () => {
  it("prices gpt-4o exactly", () => {
    // 1000 * 2.50/1M + 500 * 10.00/1M = 0.0025 + 0.005
    expect(priceCall("gpt-4o", 1000, 500)).toEqual({
      costUsd: "0.0075000000",
      inputPerMillion: "2.5000",
      outputPerMillion: "10.0000",
      pricedAs: "gpt-4o",
    });
  });

  it.each([
    ["gpt-4o-mini", 100, 0, "0.0000150000"],
    ["gpt-4o-mini", 1, 1, "0.0000007500"],
    ["gpt-4.1", 1_000_000, 1_000_000, "10.0000000000"],
    ["gpt-4.1-mini", 3, 7, "0.0000124000"],
    ["gpt-4.1-nano", 1, 0, "0.0000001000"],
    ["o3-mini", 1234, 5678, "0.0263406000"],
    ["o4-mini", 0, 1, "0.0000044000"],
    ["gpt-4-turbo", 1, 1, "0.0000400000"],
    ["gpt-4", 1, 1, "0.0000900000"],
    ["gpt-3.5-turbo", 2, 2, "0.0000040000"],
    ["simulator", 123_456, 654_321, "0.0000000000"],
  ] as const)("%s with %i in / %i out costs %s", (model, tokensIn, tokensOut, cost) => {
    expect(priceCall(model, tokensIn, tokensOut)?.costUsd).toBe(cost);
  });

  it("keeps 0.1 + 0.2 style sums exact", () => {
    // 0.1/1M and 0.2/1M style rates: a float sum would give 0.30000000000000004.
    expect(priceCall("gpt-4.1-nano", 1_000_000, 500_000)?.costUsd).toBe("0.3000000000");
  });

  it("loses no precision at very large token counts", () => {
    const max = Number.MAX_SAFE_INTEGER; // 9007199254740991
    // 9007199254740991 * 30/1M + 9007199254740991 * 60/1M = 9007199254740991 * 90 / 1e6
    expect(priceCall("gpt-4", max, max)?.costUsd).toBe("810647932926.6891900000");
    // BigInt counts past the safe-integer range stay exact too.
    expect(priceCall("gpt-4o-mini", 10n ** 20n + 1n, 0)?.costUsd).toBe("15000000000000.0000001500");
  });

  it("returns null for an unknown model", () => {
    expect(priceCall("claude-3-opus", 10, 10)).toBeNull();
    expect(priceCall("", 10, 10)).toBeNull();
  });

  it("rejects token counts that are not non-negative integers", () => {
    expect(() => priceCall("gpt-4o", -1, 0)).toThrow(RangeError);
    expect(() => priceCall("gpt-4o", 1.5, 0)).toThrow(RangeError);
    expect(() => priceCall("gpt-4o", Number.MAX_SAFE_INTEGER + 1, 0)).toThrow(RangeError);
    expect(() => priceCall("gpt-4o", 0, -1n)).toThrow(RangeError);
  });
});

describe("model matching", () => {
  it.each([
    ["gpt-4o-2024-08-06", "gpt-4o"],
    ["gpt-4o-mini-2024-07-18", "gpt-4o-mini"],
    ["gpt-4.1-2025-04-14", "gpt-4.1"],
    ["gpt-4.1-mini-2025-04-14", "gpt-4.1-mini"],
    ["gpt-4.1-nano-2025-04-14", "gpt-4.1-nano"],
    ["o3-mini-2025-01-31", "o3-mini"],
    ["o4-mini-2025-04-16", "o4-mini"],
    ["gpt-4-turbo-2024-04-09", "gpt-4-turbo"],
    ["gpt-4-1106-preview", "gpt-4-turbo"],
    ["gpt-4-0613", "gpt-4"],
    ["gpt-3.5-turbo-0125", "gpt-3.5-turbo"],
    ["GPT-4o", "gpt-4o"],
    ["simulator", "simulator"],
  ] as const)("%s prices as %s", (model, pricedAs) => {
    expect(resolvePricedModel(model)).toBe(pricedAs);
    expect(priceCall(model, 1, 1)?.pricedAs).toBe(pricedAs);
  });

  it("does not price gpt-4o-mini snapshots as gpt-4o", () => {
    expect(priceCall("gpt-4o-mini-2024-07-18", 1_000_000, 0)?.costUsd).toBe("0.1500000000");
  });

  it("only matches a prefix at a dash boundary", () => {
    // Plain prefix matching would bill these as gpt-4 or o3-mini.
    expect(resolvePricedModel("gpt-4.5-preview")).toBeNull();
    expect(resolvePricedModel("gpt-4ish")).toBeNull();
    expect(resolvePricedModel("o3-minimal")).toBeNull();
  });
});
