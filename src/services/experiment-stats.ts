// Per-experiment, per-variant results: exposure, feedback, latency, tokens and
// cost. The shape is snake_case because it is also the seed's public
// `GET /feedback/stats` body, and both transports return the same object.
import type { Db } from "../db.ts";

export interface VariantStats {
  variant: string;
  is_control: boolean;
  allocation: number;
  messages: number;
  users: number;
  feedback_count: number;
  thumbs_up: number;
  thumbs_down: number;
  /** thumbs_up / feedback_count, or null before any feedback. */
  approval_rate: number | null;
  avg_latency_ms: number | null;
  avg_time_to_first_token_ms: number | null;
  tokens_in: number;
  tokens_out: number;
  /** Exact decimal string. */
  cost_usd: string;
}

export interface ExperimentStats {
  experiment_key: string;
  name: string;
  status: string;
  killed: boolean;
  variants: VariantStats[];
}

interface AggregateRow {
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
}

export async function experimentStats(db: Db): Promise<ExperimentStats[]> {
  const [experiments, rows] = await Promise.all([
    db.experiment.findMany({
      orderBy: { createdAt: "asc" },
      select: {
        key: true,
        name: true,
        status: true,
        killedAt: true,
        variants: {
          orderBy: [{ createdAt: "asc" }, { key: "asc" }],
          select: { key: true, isControl: true, allocation: true },
        },
      },
    }),
    db.$queryRaw<AggregateRow[]>`
      SELECT m.experiment_key,
             m.variant,
             count(*)::int                                    AS messages,
             count(DISTINCT c.user_id)::int                   AS users,
             count(f.id)::int                                 AS feedback_count,
             count(*) FILTER (WHERE f.rating = 1)::int        AS thumbs_up,
             count(*) FILTER (WHERE f.rating = -1)::int       AS thumbs_down,
             avg(m.latency_ms)::float8                        AS avg_latency_ms,
             avg(m.time_to_first_token_ms)::float8            AS avg_ttft_ms,
             coalesce(sum(m.tokens_in), 0)::bigint            AS tokens_in,
             coalesce(sum(m.tokens_out), 0)::bigint           AS tokens_out,
             coalesce(sum(m.cost_usd), 0)::text               AS cost_usd
        FROM messages m
        JOIN conversations c ON c.id = m.conversation_id
        LEFT JOIN feedback f ON f.message_id = m.id
       WHERE m.role = 'assistant' AND m.experiment_key IS NOT NULL AND m.variant IS NOT NULL
       GROUP BY m.experiment_key, m.variant`,
  ]);

  const byVariant = new Map(rows.map((row) => [`${row.experiment_key}\u0000${row.variant}`, row]));
  return experiments.map((experiment) => ({
    experiment_key: experiment.key,
    name: experiment.name,
    status: experiment.status,
    killed: experiment.killedAt !== null,
    variants: experiment.variants.map((variant) => {
      const row = byVariant.get(`${experiment.key}\u0000${variant.key}`);
      const feedbackCount = row?.feedback_count ?? 0;
      return {
        variant: variant.key,
        is_control: variant.isControl,
        allocation: variant.allocation,
        messages: row?.messages ?? 0,
        users: row?.users ?? 0,
        feedback_count: feedbackCount,
        thumbs_up: row?.thumbs_up ?? 0,
        thumbs_down: row?.thumbs_down ?? 0,
        approval_rate: feedbackCount > 0 ? (row?.thumbs_up ?? 0) / feedbackCount : null,
        avg_latency_ms: row?.avg_latency_ms ?? null,
        avg_time_to_first_token_ms: row?.avg_ttft_ms ?? null,
        tokens_in: Number(row?.tokens_in ?? 0),
        tokens_out: Number(row?.tokens_out ?? 0),
        cost_usd: row?.cost_usd ?? "0",
      };
    }),
  }));
}
