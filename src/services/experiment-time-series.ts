// One experiment's compared answers over time, per variant, in UTC hours or
// days: messages, ratings, approval (per bucket and cumulative, each with its
// Wilson interval) and cost. Buckets are by when the answer was served, so a
// late rating lands in the bucket of the answer it rates. The series is dense
// (empty buckets are zeros) up to the current bucket, and keeps the most
// recent MAX_BUCKETS; cumulative figures still count everything before them.
import type { Db } from "../db.ts";
import { FALLBACK_SQL } from "./experiment-stats-query.ts";
import type { Interval } from "./statistics/interval.ts";
import { wilsonInterval } from "./statistics/wilson-interval.ts";

export type Granularity = "hour" | "day";

export const MAX_BUCKETS: Record<Granularity, number> = { hour: 168, day: 180 };
const STEP_MS: Record<Granularity, number> = { hour: 3_600_000, day: 86_400_000 };

export interface TimeSeriesPoint {
  /** Start of the bucket, ISO 8601 UTC. */
  bucket: string;
  messages: number;
  fallback_messages: number;
  ratings: number;
  thumbs_up: number;
  approval_rate: number | null;
  approval_interval: Interval | null;
  cumulative_ratings: number;
  cumulative_thumbs_up: number;
  cumulative_approval_rate: number | null;
  cumulative_approval_interval: Interval | null;
  /** Exact decimal string: cost of the bucket's compared answers. */
  cost_usd: string;
}

export interface TimeSeries {
  granularity: Granularity;
  variants: Array<{ variant: string; points: TimeSeriesPoint[] }>;
}

interface BucketRow {
  variant: string;
  bucket: Date;
  messages: number;
  fallback_messages: number;
  ratings: number;
  thumbs_up: number;
  cost_usd: string;
}

export function truncateUtc(time: Date, granularity: Granularity): number {
  const step = STEP_MS[granularity];
  return Math.floor(time.getTime() / step) * step;
}

function bucketRows(db: Db, experimentKey: string, granularity: Granularity): Promise<BucketRow[]> {
  return db.$queryRaw<BucketRow[]>`
    SELECT m.variant,
           date_trunc(${granularity}::text, m.created_at, 'UTC')          AS bucket,
           count(*) FILTER (WHERE NOT ${FALLBACK_SQL})::int                AS messages,
           count(*) FILTER (WHERE ${FALLBACK_SQL})::int                    AS fallback_messages,
           coalesce(sum(fb.rated) FILTER (WHERE NOT ${FALLBACK_SQL}), 0)::int AS ratings,
           coalesce(sum(fb.up) FILTER (WHERE NOT ${FALLBACK_SQL}), 0)::int    AS thumbs_up,
           coalesce(sum(m.cost_usd) FILTER (WHERE NOT ${FALLBACK_SQL}), 0)::text AS cost_usd
      FROM messages m
      LEFT JOIN prompt_versions pv ON pv.id = m.prompt_version_id
      LEFT JOIN LATERAL (
        SELECT count(*)::int AS rated, count(*) FILTER (WHERE f.rating = 1)::int AS up
          FROM feedback f WHERE f.message_id = m.id
      ) fb ON true
     WHERE m.role = 'assistant' AND m.experiment_key = ${experimentKey} AND m.variant IS NOT NULL
     GROUP BY 1, 2
     ORDER BY 2`;
}

/** Dense points for one variant from its (sorted) rows. */
export function densePoints(rows: readonly BucketRow[], start: number, end: number, granularity: Granularity): TimeSeriesPoint[] {
  let cumulativeRatings = 0;
  let cumulativeUp = 0;
  const inWindow = new Map<number, BucketRow>();
  for (const row of rows) {
    const at = row.bucket.getTime();
    if (at < start) {
      cumulativeRatings += row.ratings;
      cumulativeUp += row.thumbs_up;
    } else if (at <= end) inWindow.set(at, row);
  }
  const points: TimeSeriesPoint[] = [];
  for (let at = start; at <= end; at += STEP_MS[granularity]) {
    const row = inWindow.get(at);
    const ratings = row?.ratings ?? 0;
    const up = row?.thumbs_up ?? 0;
    cumulativeRatings += ratings;
    cumulativeUp += up;
    points.push({
      bucket: new Date(at).toISOString(),
      messages: row?.messages ?? 0,
      fallback_messages: row?.fallback_messages ?? 0,
      ratings,
      thumbs_up: up,
      approval_rate: ratings > 0 ? up / ratings : null,
      approval_interval: wilsonInterval(up, ratings),
      cumulative_ratings: cumulativeRatings,
      cumulative_thumbs_up: cumulativeUp,
      cumulative_approval_rate: cumulativeRatings > 0 ? cumulativeUp / cumulativeRatings : null,
      cumulative_approval_interval: wilsonInterval(cumulativeUp, cumulativeRatings),
      cost_usd: row?.cost_usd ?? "0",
    });
  }
  return points;
}

export async function experimentTimeSeries(
  db: Db,
  experimentKey: string,
  variantKeys: readonly string[],
  granularity: Granularity,
  now = new Date(),
): Promise<TimeSeries> {
  const rows = await bucketRows(db, experimentKey, granularity);
  if (rows.length === 0) return { granularity, variants: variantKeys.map((variant) => ({ variant, points: [] })) };
  const step = STEP_MS[granularity];
  const end = Math.max(truncateUtc(now, granularity), rows.at(-1)!.bucket.getTime());
  const start = Math.max(rows[0]!.bucket.getTime(), end - (MAX_BUCKETS[granularity] - 1) * step);
  return {
    granularity,
    variants: variantKeys.map((variant) => ({
      variant,
      points: densePoints(rows.filter((row) => row.variant === variant), start, end, granularity),
    })),
  };
}

