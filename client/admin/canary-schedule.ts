// The canary schedule editor's rows: percent and hold in minutes as typed,
// and the schedule the server takes (percent rising to 100, hold in seconds).
export interface ScheduleRow {
  percent: string;
  holdMinutes: string;
}

export interface CanaryStep {
  percent: number;
  holdSeconds: number;
}

/** 1 → 10 → 50 → 100 %, an hour each: the server's default ramp. */
export const DEFAULT_SCHEDULE: ScheduleRow[] = [1, 10, 50, 100].map((percent) => ({ percent: String(percent), holdMinutes: "60" }));

export function scheduleOf(rows: readonly ScheduleRow[]): CanaryStep[] {
  return rows.map((row) => ({ percent: Number(row.percent), holdSeconds: Math.round(Number(row.holdMinutes) * 60) }));
}

/** What is wrong with the rows, in words, or null when the server should accept them. */
export function scheduleProblem(rows: readonly ScheduleRow[]): string | null {
  const steps = scheduleOf(rows);
  if (steps.length === 0) return "Add at least one step.";
  if (steps.some((step) => !Number.isInteger(step.percent) || step.percent < 1 || step.percent > 100)) return "Each percent must be a whole number from 1 to 100.";
  if (steps.some((step) => !Number.isFinite(step.holdSeconds) || step.holdSeconds < 0)) return "Each hold must be zero or more minutes.";
  if (steps.some((step, index) => index > 0 && step.percent <= steps[index - 1]!.percent)) return "The percent must rise at every step.";
  if (steps.at(-1)!.percent !== 100) return "The last step must be 100%.";
  return null;
}
