// The SQL behind the results: one row per (experiment, variant) with every
// count and sum the statistics need, in one pass over the assistant messages.
//
// Two populations per variant:
// - all answers: the seed's original fields (messages, users, feedback ...),
//   unchanged in meaning;
// - compared answers: those actually served by the provider and model the
//   variant asked for. A fallback answer (messages.fallback, or a model other
//   than its prompt version's) says nothing about the variant's prompt, so it
//   is counted separately and left out of every comparison.
// Ratings are counted per message first, so a join never multiplies rows.
// Percentiles are PostgreSQL's percentile_cont (linear interpolation between
// closest ranks, R's type 7), computed where the data is.
import type { Db } from "../db.ts";
import { Prisma } from "../db.ts";

export interface VariantAggregate {
  experiment_key: string;
  variant: string;
  messages: number;
  users: number;
  feedback_count: number;
  thumbs_up: number;
  thumbs_down: number;
  avg_latency_ms: number | null;
  avg_ttft_ms: number | null;
  tokens_in: bigint;
  tokens_out: bigint;
  cost_usd: string;
  fallback_messages: number;
  compared_messages: number;
  compared_users: number;
  compared_rated_messages: number;
  compared_thumbs_up: number;
  compared_thumbs_down: number;
  compared_latency_p50_ms: number | null;
  compared_latency_p95_ms: number | null;
  compared_ttft_p50_ms: number | null;
  compared_tokens_in: bigint;
  compared_tokens_out: bigint;
  compared_cost_usd: string;
  compared_cost_per_message_usd: string | null;
  compared_cost_per_approved_usd: string | null;
}

/** Whether an answer came from somewhere other than its variant's provider and model. */
export const FALLBACK_SQL = Prisma.sql`(m.fallback OR (pv.model IS NOT NULL AND m.model IS NOT NULL AND m.model <> pv.model))`;

/** Every experiment's variants, or one experiment's. */
export function variantAggregates(db: Db, experimentKey?: string): Promise<VariantAggregate[]> {
  const onlyExperiment = experimentKey === undefined ? Prisma.empty : Prisma.sql`AND m.experiment_key = ${experimentKey}`;
  return db.$queryRaw<VariantAggregate[]>`
    WITH served AS (
      SELECT m.experiment_key,
             m.variant,
             -- The assignment unit: a gateway caller's end user, else the owning user.
             coalesce(m.assignment_unit, c.user_id::text) AS unit,
             m.latency_ms,
             m.time_to_first_token_ms,
             m.tokens_in,
             m.tokens_out,
             m.cost_usd,
             ${FALLBACK_SQL} AS fallback,
             fb.rated,
             fb.up,
             fb.down
        FROM messages m
        JOIN conversations c ON c.id = m.conversation_id
        LEFT JOIN prompt_versions pv ON pv.id = m.prompt_version_id
        LEFT JOIN LATERAL (
          SELECT count(*)::int                             AS rated,
                 count(*) FILTER (WHERE f.rating = 1)::int  AS up,
                 count(*) FILTER (WHERE f.rating = -1)::int AS down
            FROM feedback f WHERE f.message_id = m.id
        ) fb ON true
       WHERE m.role = 'assistant' AND m.experiment_key IS NOT NULL AND m.variant IS NOT NULL ${onlyExperiment}
    )
    SELECT experiment_key,
           variant,
           count(*)::int                                         AS messages,
           count(DISTINCT unit)::int                             AS users,
           sum(rated)::int                                       AS feedback_count,
           sum(up)::int                                          AS thumbs_up,
           sum(down)::int                                        AS thumbs_down,
           avg(latency_ms)::float8                               AS avg_latency_ms,
           avg(time_to_first_token_ms)::float8                   AS avg_ttft_ms,
           coalesce(sum(tokens_in), 0)::bigint                   AS tokens_in,
           coalesce(sum(tokens_out), 0)::bigint                  AS tokens_out,
           coalesce(sum(cost_usd), 0)::text                      AS cost_usd,
           count(*) FILTER (WHERE fallback)::int                 AS fallback_messages,
           count(*) FILTER (WHERE NOT fallback)::int             AS compared_messages,
           count(DISTINCT unit) FILTER (WHERE NOT fallback)::int AS compared_users,
           count(*) FILTER (WHERE NOT fallback AND rated > 0)::int AS compared_rated_messages,
           coalesce(sum(up) FILTER (WHERE NOT fallback), 0)::int   AS compared_thumbs_up,
           coalesce(sum(down) FILTER (WHERE NOT fallback), 0)::int AS compared_thumbs_down,
           (percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE NOT fallback))::float8  AS compared_latency_p50_ms,
           (percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE NOT fallback))::float8 AS compared_latency_p95_ms,
           (percentile_cont(0.5) WITHIN GROUP (ORDER BY time_to_first_token_ms) FILTER (WHERE NOT fallback))::float8 AS compared_ttft_p50_ms,
           coalesce(sum(tokens_in) FILTER (WHERE NOT fallback), 0)::bigint  AS compared_tokens_in,
           coalesce(sum(tokens_out) FILTER (WHERE NOT fallback), 0)::bigint AS compared_tokens_out,
           coalesce(sum(cost_usd) FILTER (WHERE NOT fallback), 0)::text     AS compared_cost_usd,
           trim_scale(round(coalesce(sum(cost_usd) FILTER (WHERE NOT fallback), 0)
                            / nullif(count(*) FILTER (WHERE NOT fallback), 0), 10))::text AS compared_cost_per_message_usd,
           trim_scale(round(coalesce(sum(cost_usd) FILTER (WHERE NOT fallback), 0)
                            / nullif(sum(up) FILTER (WHERE NOT fallback), 0), 10))::text  AS compared_cost_per_approved_usd
      FROM served
     GROUP BY experiment_key, variant`;
}
