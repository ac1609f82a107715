import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IdleHeartbeat } from "./idle-heartbeat.ts";

describe("IdleHeartbeat", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("beats once per interval while nothing is sent, and skips each interval in which something was", () => {
    const beats: number[] = [];
    const heartbeat = new IdleHeartbeat(1_000, () => beats.push(Date.now()));
    const start = Date.now();
    vi.advanceTimersByTime(2_000);
    expect(beats.map((at) => at - start)).toEqual([1_000, 2_000]);

    heartbeat.sent();
    vi.advanceTimersByTime(1_000);
    heartbeat.sent();
    vi.advanceTimersByTime(1_000);
    expect(beats).toHaveLength(2);

    vi.advanceTimersByTime(1_000);
    expect(beats.map((at) => at - start)).toEqual([1_000, 2_000, 5_000]);

    heartbeat.stop();
    vi.advanceTimersByTime(5_000);
    expect(beats).toHaveLength(3);
  });
});
