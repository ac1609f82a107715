// Per-experiment, per-variant results: exposure, feedback, latency, tokens and
// cost, and the statistics that say whether a variant beats control. The shape
// is snake_case because it is also the seed's public `GET /feedback/stats`
// body, and both transports return the same object. The seed's original fields
// keep their meaning (all answers); everything added is computed over the
// compared answers only, fallback answers excluded (experiment-stats-query.ts).
import type { Db } from "../db.ts";
import { analyseExperiment, type ExperimentAnalysis, type SampleRatioMismatchResult, type VariantAnalysis } from "./experiment-analysis.ts";
import { variantAggregates, type VariantAggregate } from "./experiment-stats-query.ts";
import type { Interval } from "./statistics/interval.ts";

export interface ComparedAnswers {
  messages: number;
  users: number;
  rated_messages: number;
  thumbs_up: number;
  thumbs_down: number;
  /** rated_messages / messages: a variant that makes users stop rating is a signal too. */
  response_rate: number | null;
  /** thumbs_up / (thumbs_up + thumbs_down). */
  approval_rate: number | null;
  /** 95% Wilson score interval for approval_rate. */
  approval_interval: Interval | null;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  time_to_first_token_p50_ms: number | null;
  tokens_in: number;
  tokens_out: number;
  /** Exact decimal strings. */
  cost_usd: string;
  cost_per_message_usd: string | null;
  /** Total cost / thumbs up: what one approved answer costs. */
  cost_per_approved_answer_usd: string | null;
}

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
  /** Answers served by another provider or model than the variant asked for: counted, never compared. */
  fallback_messages: number;
  /** The variant's own answers (fallback excluded): the basis of every statistic below. */
  compared: ComparedAnswers;
  /** null for the control itself. */
  vs_control: VariantAnalysis["vs_control"];
  verdict: VariantAnalysis["verdict"];
}

export interface ExperimentStats {
  experiment_key: string;
  name: string;
  status: string;
  killed: boolean;
  /** Chi-square test of users per variant against the allocation; null when not splitting traffic or no users. */
  sample_ratio_mismatch: SampleRatioMismatchResult | null;
  variants: VariantStats[];
}

interface ExperimentRow {
  key: string;
  name: string;
  status: string;
  killedAt: Date | null;
  shippedVariantId: string | null;
  variants: Array<{ key: string; isControl: boolean; allocation: number }>;
}

/** Milliseconds to 0.1 ms: interpolated percentiles otherwise show float noise (954.9999999999999). */
const milliseconds = (value: number | null | undefined) => (value === null || value === undefined ? null : Math.round(value * 10) / 10);

function variantStats(variant: ExperimentRow["variants"][number], row: VariantAggregate | undefined, analysis: VariantAnalysis): VariantStats {
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
    fallback_messages: row?.fallback_messages ?? 0,
    compared: {
      messages: row?.compared_messages ?? 0,
      users: row?.compared_users ?? 0,
      rated_messages: row?.compared_rated_messages ?? 0,
      thumbs_up: row?.compared_thumbs_up ?? 0,
      thumbs_down: row?.compared_thumbs_down ?? 0,
      response_rate: analysis.response_rate,
      approval_rate: analysis.approval_rate,
      approval_interval: analysis.approval_interval,
      latency_p50_ms: milliseconds(row?.compared_latency_p50_ms),
      latency_p95_ms: milliseconds(row?.compared_latency_p95_ms),
      time_to_first_token_p50_ms: milliseconds(row?.compared_ttft_p50_ms),
      tokens_in: Number(row?.compared_tokens_in ?? 0),
      tokens_out: Number(row?.compared_tokens_out ?? 0),
      cost_usd: row?.compared_cost_usd ?? "0",
      cost_per_message_usd: row?.compared_cost_per_message_usd ?? null,
      cost_per_approved_answer_usd: row?.compared_cost_per_approved_usd ?? null,
    },
    vs_control: analysis.vs_control,
    verdict: analysis.verdict,
  };
}

function experimentResult(experiment: ExperimentRow, rows: Map<string, VariantAggregate>): ExperimentStats {
  const rowOf = (key: string) => rows.get(`${experiment.key}\u0000${key}`);
  const analysis: ExperimentAnalysis = analyseExperiment(
    experiment.variants.map((variant) => {
      const row = rowOf(variant.key);
      return {
        key: variant.key,
        isControl: variant.isControl,
        allocation: variant.allocation,
        users: row?.users ?? 0,
        messages: row?.compared_messages ?? 0,
        ratedMessages: row?.compared_rated_messages ?? 0,
        thumbsUp: row?.compared_thumbs_up ?? 0,
        thumbsDown: row?.compared_thumbs_down ?? 0,
      };
    }),
    { running: experiment.status === "running", killed: experiment.killedAt !== null, shipped: experiment.shippedVariantId !== null },
  );
  return {
    experiment_key: experiment.key,
    name: experiment.name,
    status: experiment.status,
    killed: experiment.killedAt !== null,
    sample_ratio_mismatch: analysis.sample_ratio_mismatch,
    variants: experiment.variants.map((variant) => variantStats(variant, rowOf(variant.key), analysis.variants.get(variant.key)!)),
  };
}

const EXPERIMENT_SELECT = {
  key: true,
  name: true,
  status: true,
  killedAt: true,
  shippedVariantId: true,
  variants: {
    orderBy: [{ createdAt: "asc" as const }, { key: "asc" as const }],
    select: { key: true, isControl: true, allocation: true },
  },
};

/** Every experiment, oldest first. */
export async function experimentStats(db: Db): Promise<ExperimentStats[]> {
  const [experiments, rows] = await Promise.all([
    db.experiment.findMany({ orderBy: { createdAt: "asc" }, select: EXPERIMENT_SELECT }),
    variantAggregates(db),
  ]);
  const byVariant = new Map(rows.map((row) => [`${row.experiment_key}\u0000${row.variant}`, row]));
  return experiments.map((experiment) => experimentResult(experiment, byVariant));
}

/** One experiment by key, or null. */
export async function experimentStatsFor(db: Db, experimentKey: string): Promise<ExperimentStats | null> {
  const [experiment, rows] = await Promise.all([
    db.experiment.findUnique({ where: { key: experimentKey }, select: EXPERIMENT_SELECT }),
    variantAggregates(db, experimentKey),
  ]);
  if (!experiment) return null;
  return experimentResult(experiment, new Map(rows.map((row) => [`${row.experiment_key}\u0000${row.variant}`, row])));
}
