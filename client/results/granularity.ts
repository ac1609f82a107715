// The results' time buckets: what each is called and how long it is.
import type { Granularity } from "../api/trpc.ts";

export const STEP_SECONDS: Record<Granularity, number> = { hour: 3_600, day: 86_400 };

export const GRANULARITY_OPTIONS = [
  { value: "hour", label: "Hour" },
  { value: "day", label: "Day" },
] as const satisfies ReadonlyArray<{ value: Granularity; label: string }>;
