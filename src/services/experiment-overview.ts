// What the admin screens show about experiments: the list with status, and one
// experiment in detail: variants, allocation, active and canary versions, ramp
// progress, live per-variant numbers and the guardrails' current verdicts.
import type { Db } from "../db.ts";
import { NotFoundError } from "../errors.ts";
import { scheduleOf } from "./canary-rollout.ts";
import { experimentStats } from "./experiment-stats.ts";
import { judgeCanary, judgeTreatments } from "./guardrail-metrics.ts";
import { guardrailConfigOf, type GuardrailSettings } from "./guardrails.ts";

const VERSION_SUMMARY = { select: { id: true, version: true, model: true, note: true, createdAt: true } } as const;

const VARIANT_FIELDS = {
  id: true,
  key: true,
  allocation: true,
  isControl: true,
  activeVersion: VERSION_SUMMARY,
  canaryVersion: VERSION_SUMMARY,
  canaryPercent: true,
  canaryStep: true,
  canarySchedule: true,
  canaryStartedAt: true,
  canaryStepStartedAt: true,
  activeVersionId: true,
  canaryVersionId: true,
} as const;

type VariantRow = {
  canaryVersion: { id: string; version: number } | null;
  canaryPercent: number;
  canaryStep: number;
  canarySchedule: unknown;
  canaryStartedAt: Date | null;
  canaryStepStartedAt: Date | null;
};

function canaryView(variant: VariantRow) {
  if (!variant.canaryVersion) return null;
  const schedule = scheduleOf(variant.canarySchedule);
  const step = schedule[variant.canaryStep];
  const stepStarted = variant.canaryStepStartedAt ?? variant.canaryStartedAt;
  return {
    version: variant.canaryVersion,
    percent: variant.canaryPercent,
    step: variant.canaryStep,
    schedule,
    startedAt: variant.canaryStartedAt,
    stepStartedAt: variant.canaryStepStartedAt,
    /** When the runner may move it on, if the guardrails hold. */
    nextStepAt: step && stepStarted ? new Date(stepStarted.getTime() + step.holdSeconds * 1000) : null,
  };
}

export async function listExperiments(db: Db) {
  const rows = await db.experiment.findMany({
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      key: true,
      name: true,
      status: true,
      killedAt: true,
      version: true,
      updatedAt: true,
      shippedVariant: { select: { key: true } },
      variants: { orderBy: [{ createdAt: "asc" }, { key: "asc" }], select: VARIANT_FIELDS },
    },
  });
  return rows.map(({ shippedVariant, variants, ...experiment }) => ({
    ...experiment,
    killed: experiment.killedAt !== null,
    shippedVariant: shippedVariant?.key ?? null,
    variants: variants.map((variant) => ({
      id: variant.id,
      key: variant.key,
      allocation: variant.allocation,
      isControl: variant.isControl,
      activeVersion: variant.activeVersion,
      canary: canaryView(variant),
    })),
  }));
}

export async function experimentDetail(db: Db, experimentId: string) {
  const row = await db.experiment.findUnique({
    where: { id: experimentId },
    select: {
      id: true,
      key: true,
      name: true,
      description: true,
      status: true,
      killedAt: true,
      version: true,
      guardrails: true,
      createdAt: true,
      updatedAt: true,
      shippedVariant: { select: { id: true, key: true } },
      variants: { orderBy: [{ createdAt: "asc" }, { key: "asc" }], select: VARIANT_FIELDS },
    },
  });
  if (!row) throw new NotFoundError("No such experiment.");
  const config = guardrailConfigOf(row.guardrails);
  const [stats, treatments, canaries] = await Promise.all([
    experimentStats(db),
    judgeTreatments(db, row.variants, config),
    Promise.all(
      row.variants.map((variant) =>
        variant.canaryVersionId ? judgeCanary(db, { ...variant, canaryVersionId: variant.canaryVersionId }, config) : Promise.resolve(null),
      ),
    ),
  ]);
  const live = stats.find((experiment) => experiment.experiment_key === row.key);
  return {
    id: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    status: row.status,
    killed: row.killedAt !== null,
    killedAt: row.killedAt,
    version: row.version,
    shippedVariant: row.shippedVariant,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    guardrails: { settings: (row.guardrails ?? {}) as GuardrailSettings, effective: config },
    variants: row.variants.map((variant, i) => ({
      id: variant.id,
      key: variant.key,
      allocation: variant.allocation,
      isControl: variant.isControl,
      activeVersion: variant.activeVersion,
      canary: canaryView(variant),
      stats: live?.variants.find((stat) => stat.variant === variant.key) ?? null,
      guardrails: {
        /** This variant's active version against control's; null for the control itself. */
        vsControl: treatments.find((judgement) => judgement.variant === variant.key) ?? null,
        /** Its canary against its active version, while one ramps. */
        canary: canaries[i] ?? null,
      },
    })),
  };
}
