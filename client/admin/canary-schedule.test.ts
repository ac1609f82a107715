import { describe, expect, it } from "vitest";
import { DEFAULT_SCHEDULE, scheduleOf, scheduleProblem } from "./canary-schedule.ts";

describe("canary schedule", () => {
  it("defaults to 1, 10, 50 and 100 percent, an hour each", () => {
    expect(scheduleOf(DEFAULT_SCHEDULE)).toEqual([
      { percent: 1, holdSeconds: 3600 },
      { percent: 10, holdSeconds: 3600 },
      { percent: 50, holdSeconds: 3600 },
      { percent: 100, holdSeconds: 3600 },
    ]);
    expect(scheduleProblem(DEFAULT_SCHEDULE)).toBeNull();
  });

  it("says what the server would refuse", () => {
    expect(scheduleProblem([])).toBe("Add at least one step.");
    expect(scheduleProblem([{ percent: "5", holdMinutes: "1" }, { percent: "5", holdMinutes: "1" }])).toBe("The percent must rise at every step.");
    expect(scheduleProblem([{ percent: "50", holdMinutes: "1" }])).toBe("The last step must be 100%.");
    expect(scheduleProblem([{ percent: "100", holdMinutes: "-1" }])).toBe("Each hold must be zero or more minutes.");
    expect(scheduleProblem([{ percent: "1.5", holdMinutes: "1" }, { percent: "100", holdMinutes: "1" }])).toBe("Each percent must be a whole number from 1 to 100.");
  });
});
