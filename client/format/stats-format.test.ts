import { describe, expect, it } from "vitest";
import {
  formatBucket,
  formatMoney,
  formatMoneyTrimmed,
  formatPoints,
  formatPointsInterval,
  formatPValue,
  formatRate,
  formatRateInterval,
  formatRelative,
  formatRelativeInterval,
  formatStatistic,
} from "./stats-format.ts";

describe("statistics formatting", () => {
  it("writes rates and their intervals to one decimal", () => {
    expect(formatRate(0.55)).toBe("55.0%");
    expect(formatRate(2 / 3)).toBe("66.7%");
    expect(formatRate(0)).toBe("0.0%");
    expect(formatRate(null)).toBe("—");
    expect(formatRateInterval({ lower: 0.4012, upper: 0.689 })).toBe("40.1% – 68.9%");
    expect(formatRateInterval(null)).toBe("—");
  });

  it("signs differences in percentage points, and only positive ones get a plus", () => {
    expect(formatPoints(0.05)).toBe("+5.0 pts");
    expect(formatPoints(-0.032)).toBe("-3.2 pts");
    expect(formatPoints(0)).toBe("0.0 pts");
    expect(formatPoints(null)).toBe("—");
    expect(formatPointsInterval({ lower: -0.123, upper: 0.201 })).toBe("-12.3 – +20.1 pts");
  });

  it("writes relative differences as signed percentages", () => {
    expect(formatRelative(0.125)).toBe("+12.5%");
    expect(formatRelative(-0.5)).toBe("-50.0%");
    expect(formatRelativeInterval({ lower: -0.2, upper: 0.5 })).toBe("-20.0% – +50.0%");
    expect(formatRelativeInterval(null)).toBe("—");
  });

  it("floors p-values at a thousandth", () => {
    expect(formatPValue(0.0004)).toBe("< 0.001");
    expect(formatPValue(0.001)).toBe("0.001");
    expect(formatPValue(0.12345)).toBe("0.123");
    expect(formatPValue(null)).toBe("—");
  });

  it("keeps money exactly as the server wrote it", () => {
    expect(formatMoney("0.0000123")).toBe("$0.0000123");
    expect(formatMoney("0")).toBe("$0");
    expect(formatMoney(null)).toBe("—");
    expect(formatMoneyTrimmed("0.0002106000")).toBe("$0.0002106");
    expect(formatMoneyTrimmed("3.0000000000")).toBe("$3");
    expect(formatMoneyTrimmed("120")).toBe("$120");
    expect(formatStatistic(null)).toBe("n/a");
    expect(formatStatistic(15.234)).toBe("15.23");
  });

  it("labels buckets in UTC, the time zone they were cut in", () => {
    expect(formatBucket("2026-03-14T00:00:00.000Z", "day")).toBe("Mar 14, 2026");
    expect(formatBucket("2026-03-14T09:00:00.000Z", "hour")).toBe("Mar 14, 09:00 UTC");
  });
});
