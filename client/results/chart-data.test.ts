import { describe, expect, it } from "vitest";
import type { TimeSeriesPoint } from "../api/trpc.ts";
import { approvalChartModel, volumeChartModel } from "./chart-data.ts";

function point(bucket: string, fields: Partial<TimeSeriesPoint> = {}): TimeSeriesPoint {
  return {
    bucket,
    messages: 0,
    fallback_messages: 0,
    ratings: 0,
    thumbs_up: 0,
    approval_rate: null,
    approval_interval: null,
    cumulative_ratings: 0,
    cumulative_thumbs_up: 0,
    cumulative_approval_rate: null,
    cumulative_approval_interval: null,
    cost_usd: "0",
    ...fields,
  };
}

const DAY1 = "2026-03-13T00:00:00.000Z";
const DAY2 = "2026-03-14T00:00:00.000Z";

const series = [
  {
    variant: "concise",
    points: [
      point(DAY1, { approval_rate: 0.5, approval_interval: { lower: 0.2, upper: 0.8 }, cumulative_approval_rate: 0.5, cumulative_approval_interval: { lower: 0.2, upper: 0.8 }, messages: 4, cost_usd: "0.002" }),
      point(DAY2, { cumulative_approval_rate: 0.5, cumulative_approval_interval: { lower: 0.2, upper: 0.8 }, messages: 1, cost_usd: "0.0005" }),
    ],
  },
  { variant: "detailed", points: [point(DAY1), point(DAY2, { approval_rate: 1, approval_interval: { lower: 0.5, upper: 1 } })] },
];

describe("approvalChartModel", () => {
  it("gives each variant a line and a band between its interval bounds, in percent", () => {
    const model = approvalChartModel(series, "cumulative");
    expect(model.xs).toEqual([Date.parse(DAY1) / 1000, Date.parse(DAY2) / 1000]);
    expect(model.buckets).toEqual([DAY1, DAY2]);
    expect(model.lines.filter((line) => line.role === "line").map((line) => line.label)).toEqual(["concise", "detailed"]);
    expect(model.lines[0]!.values).toEqual([50, 50]);
    expect(model.lines[1]!.values).toEqual([20, 20]);
    expect(model.lines[2]!.values).toEqual([80, 80]);
    expect(model.bands).toEqual([
      { upper: 2, lower: 1, fill: expect.any(String) },
      { upper: 5, lower: 4, fill: expect.any(String) },
    ]);
  });

  it("switches to each bucket's own approval, with gaps where a bucket has no ratings", () => {
    const model = approvalChartModel(series, "bucket");
    expect(model.lines[0]!.values).toEqual([50, null]);
    expect(model.lines[3]!.values).toEqual([null, 100]);
    expect(model.lines[4]!.values).toEqual([null, 50]);
  });

  it("is empty, not broken, before any answer", () => {
    const model = approvalChartModel([{ variant: "concise", points: [] }], "cumulative");
    expect(model.xs).toEqual([]);
    expect(model.lines[0]!.values).toEqual([]);
  });
});

describe("volumeChartModel", () => {
  it("plots answers and cost per bucket on their own scales", () => {
    const model = volumeChartModel(series);
    expect(model.lines.map((line) => [line.label, line.scale])).toEqual([
      ["concise answers", "count"],
      ["concise cost", "usd"],
      ["detailed answers", "count"],
      ["detailed cost", "usd"],
    ]);
    expect(model.lines[0]!.values).toEqual([4, 1]);
    expect(model.lines[1]!.values).toEqual([0.002, 0.0005]);
  });
});
