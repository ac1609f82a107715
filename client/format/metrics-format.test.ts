import { describe, expect, it } from "vitest";
import { formatCost, formatDuration, formatPercent } from "./metrics-format.ts";

describe("metrics formatting", () => {
  it("reads durations like the seed's metrics row", () => {
    expect(formatDuration(1734)).toBe("1.7s");
    expect(formatDuration(350)).toBe("350ms");
    expect(formatDuration(null)).toBe("—");
  });

  it("never shows a cheap call as free, and tells unpriced from free", () => {
    expect(formatCost("0.0002000000")).toBe("$0.0002");
    expect(formatCost("0.0000151500")).toBe("$0.000015");
    expect(formatCost("0.0000006000")).toBe("$0.0000006");
    expect(formatCost("0")).toBe("$0");
    expect(formatCost(null)).toBe("—");
  });

  it("shows approval as a whole percentage, or a dash before any feedback", () => {
    expect(formatPercent(2 / 3)).toBe("67%");
    expect(formatPercent(null)).toBe("—");
  });
});
