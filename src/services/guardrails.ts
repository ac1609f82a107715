// Guardrail thresholds and their evaluation, kept pure: given a candidate arm's
// figures and its baseline's, say which guardrails hold, which are breached and
// which lack data. The runner (guardrail-runner.ts) fetches the figures and acts.
//
// - approval rate: the candidate's thumbs-up share may not be worse than the
//   baseline's by more than `maxApprovalDrop` (relative; 0.1 = 10%), judged only
//   once both arms have `minFeedback` ratings;
// - error rate: at most `maxErrorRate` of the candidate's answers may fail;
// - p95 latency: the candidate's 95th-percentile answer time at most `maxP95LatencyMs`;
// the last two judged once the candidate has `minMessages` answers.
// Deliberately minimal: a point comparison, not a significance test, so it can
// later defer to the statistics module without changing its callers.
import { z } from "zod";

/** What an admin may set per experiment; anything left out takes the default, so defaults can improve later. */
export const guardrailSettingsSchema = z.strictObject({
  maxApprovalDrop: z.number().min(0).max(1).optional(),
  minFeedback: z.number().int().min(1).max(1_000_000).optional(),
  maxErrorRate: z.number().min(0).max(1).optional(),
  maxP95LatencyMs: z.number().int().min(1).max(3_600_000).optional(),
  minMessages: z.number().int().min(1).max(1_000_000).optional(),
});

export type GuardrailSettings = z.infer<typeof guardrailSettingsSchema>;
export type GuardrailConfig = Required<GuardrailSettings>;

export const GUARDRAIL_DEFAULTS: GuardrailConfig = {
  maxApprovalDrop: 0.1,
  minFeedback: 100,
  maxErrorRate: 0.05,
  maxP95LatencyMs: 20_000,
  minMessages: 50,
};

/** The stored JSON (null, partial or whole) with defaults filled in. */
export function guardrailConfigOf(stored: unknown): GuardrailConfig {
  const parsed = guardrailSettingsSchema.safeParse(stored ?? {});
  // Stored values are validated on write; anything unreadable falls back to the defaults, never to "off".
  if (!parsed.success) return { ...GUARDRAIL_DEFAULTS };
  const set = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
  return { ...GUARDRAIL_DEFAULTS, ...set };
}

/** One arm's figures over its window (a prompt version's answers). */
export interface ArmFigures {
  messages: number;
  errors: number;
  feedback: number;
  thumbsUp: number;
  p95LatencyMs: number | null;
}

export type GuardrailMetric = "approval_rate" | "error_rate" | "p95_latency_ms";

export interface GuardrailFinding {
  metric: GuardrailMetric;
  status: "ok" | "breach" | "insufficient_data";
  /** The candidate's figure. */
  value: number | null;
  /** The baseline's figure, for approval. */
  baseline: number | null;
  /** The limit the value was held to. */
  limit: number | null;
  /** Sample the figure rests on, and the sample it needs. */
  sample: number;
  minSample: number;
}

export interface GuardrailVerdict {
  breached: boolean;
  findings: GuardrailFinding[];
}

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function approvalFinding(config: GuardrailConfig, candidate: ArmFigures, baseline: ArmFigures | null): GuardrailFinding {
  const value = rate(candidate.thumbsUp, candidate.feedback);
  const baselineRate = baseline ? rate(baseline.thumbsUp, baseline.feedback) : null;
  const sample = Math.min(candidate.feedback, baseline?.feedback ?? 0);
  const limit = baselineRate === null ? null : baselineRate * (1 - config.maxApprovalDrop);
  const judged = sample >= config.minFeedback && value !== null && limit !== null;
  return {
    metric: "approval_rate",
    status: !judged ? "insufficient_data" : value < limit ? "breach" : "ok",
    value,
    baseline: baselineRate,
    limit,
    sample,
    minSample: config.minFeedback,
  };
}

function errorRateFinding(config: GuardrailConfig, candidate: ArmFigures): GuardrailFinding {
  const value = rate(candidate.errors, candidate.messages);
  const judged = candidate.messages >= config.minMessages && value !== null;
  return {
    metric: "error_rate",
    status: !judged ? "insufficient_data" : value > config.maxErrorRate ? "breach" : "ok",
    value,
    baseline: null,
    limit: config.maxErrorRate,
    sample: candidate.messages,
    minSample: config.minMessages,
  };
}

function latencyFinding(config: GuardrailConfig, candidate: ArmFigures): GuardrailFinding {
  const value = candidate.p95LatencyMs;
  const judged = candidate.messages >= config.minMessages && value !== null;
  return {
    metric: "p95_latency_ms",
    status: !judged ? "insufficient_data" : value > config.maxP95LatencyMs ? "breach" : "ok",
    value,
    baseline: null,
    limit: config.maxP95LatencyMs,
    sample: candidate.messages,
    minSample: config.minMessages,
  };
}

export function evaluateGuardrails(
  config: GuardrailConfig,
  candidate: ArmFigures,
  baseline: ArmFigures | null,
): GuardrailVerdict {
  const findings = [approvalFinding(config, candidate, baseline), errorRateFinding(config, candidate), latencyFinding(config, candidate)];
  return { breached: findings.some((finding) => finding.status === "breach"), findings };
}

/** One line for the audit reason and the alert, e.g. "approval_rate 0.42 < limit 0.72". */
export function describeBreaches(findings: readonly GuardrailFinding[]): string {
  const round = (n: number | null) => (n === null ? "n/a" : Number(n.toFixed(4)).toString());
  return findings
    .filter((finding) => finding.status === "breach")
    .map((finding) =>
      finding.metric === "approval_rate"
        ? `approval_rate ${round(finding.value)} < limit ${round(finding.limit)} (baseline ${round(finding.baseline)})`
        : `${finding.metric} ${round(finding.value)} > limit ${round(finding.limit)}`,
    )
    .join("; ");
}
