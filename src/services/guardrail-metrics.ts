// The figures a guardrail judges, straight from SQL: for one prompt version's
// assistant answers since a moment, how many, how many failed, the ratings and
// the 95th-percentile latency of the completed ones; and the two comparisons
// the guardrails make (canary vs its variant's active version, treatment vs
// control). Used by the runner to act and by the admin screens to show state.
import type { Db } from "../db.ts";
import { evaluateGuardrails, type ArmFigures, type GuardrailConfig, type GuardrailVerdict } from "./guardrails.ts";

interface FiguresRow {
  messages: number;
  errors: number;
  feedback: number;
  thumbs_up: number;
  p95_latency_ms: number | null;
}

export async function promptVersionFigures(db: Db, promptVersionId: string, since: Date | null): Promise<ArmFigures> {
  const from = since ?? new Date(0);
  // Ratings are pre-aggregated per message, so a message rated twice is still one answer.
  const rows = await db.$queryRaw<FiguresRow[]>`
    SELECT count(*)::int                                        AS messages,
           count(*) FILTER (WHERE m.status = 'error')::int      AS errors,
           coalesce(sum(fb.rated), 0)::int                      AS feedback,
           coalesce(sum(fb.up), 0)::int                         AS thumbs_up,
           (percentile_cont(0.95) WITHIN GROUP (ORDER BY m.latency_ms)
              FILTER (WHERE m.status = 'complete' AND m.latency_ms IS NOT NULL))::float8 AS p95_latency_ms
      FROM messages m
      LEFT JOIN LATERAL (
        SELECT count(*) AS rated, count(*) FILTER (WHERE f.rating = 1) AS up
          FROM feedback f WHERE f.message_id = m.id
      ) fb ON true
     WHERE m.prompt_version_id = ${promptVersionId}::uuid
       AND m.role = 'assistant'
       AND m.created_at >= ${from}`;
  const row = rows[0];
  return {
    messages: row?.messages ?? 0,
    errors: row?.errors ?? 0,
    feedback: row?.feedback ?? 0,
    thumbsUp: row?.thumbs_up ?? 0,
    p95LatencyMs: row?.p95_latency_ms == null ? null : Math.round(row.p95_latency_ms),
  };
}

export interface ArmJudgement {
  candidate: ArmFigures;
  baseline: ArmFigures | null;
  verdict: GuardrailVerdict;
}

/** A ramping canary against its variant's active version, both since the canary began. */
export async function judgeCanary(
  db: Db,
  variant: { activeVersionId: string | null; canaryVersionId: string; canaryStartedAt: Date | null },
  config: GuardrailConfig,
): Promise<ArmJudgement> {
  const since = variant.canaryStartedAt;
  const [candidate, baseline] = await Promise.all([
    promptVersionFigures(db, variant.canaryVersionId, since),
    variant.activeVersionId ? promptVersionFigures(db, variant.activeVersionId, since) : Promise.resolve(null),
  ]);
  return { candidate, baseline, verdict: evaluateGuardrails(config, candidate, baseline) };
}

/** Each treatment's active version against control's active version. */
export async function judgeTreatments(
  db: Db,
  variants: ReadonlyArray<{ key: string; isControl: boolean; activeVersionId: string | null }>,
  config: GuardrailConfig,
): Promise<Array<ArmJudgement & { variant: string }>> {
  const control = variants.find((variant) => variant.isControl);
  if (!control?.activeVersionId) return [];
  const baseline = await promptVersionFigures(db, control.activeVersionId, null);
  const judged: Array<ArmJudgement & { variant: string }> = [];
  for (const variant of variants) {
    if (variant.isControl || !variant.activeVersionId) continue;
    const candidate = await promptVersionFigures(db, variant.activeVersionId, null);
    judged.push({ variant: variant.key, candidate, baseline, verdict: evaluateGuardrails(config, candidate, baseline) });
  }
  return judged;
}
