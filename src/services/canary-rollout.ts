// Canary ramps for prompt versions. A new version starts on a small, stable
// slice of one variant's users (src/services/served-version.ts picks the slice)
// and climbs a schedule, by default 1 → 10 → 50 → 100%, holding each step for
// its configured time. The guardrail runner moves it on only while guardrails
// hold and rolls it back when one breaks; finishing the 100% step promotes the
// canary to the variant's active version. Every move is one audited change
// through experiment-change.ts and bumps the configuration version.
import { z } from "zod";
import { parseInput } from "../http/validation.ts";
import { Prisma } from "../db.ts";
import { NotFoundError } from "../errors.ts";
import type { Tx } from "./audit-log.ts";
import { changeExperiment, conflict, expectedVersionSchema, reasonSchema, type ChangeDeps } from "./experiment-change.ts";

const HOUR = 3_600;

export const canaryStepSchema = z.strictObject({
  percent: z.number().int().min(1).max(100),
  holdSeconds: z.number().int().min(0).max(30 * 24 * HOUR),
});

export const DEFAULT_CANARY_SCHEDULE = [
  { percent: 1, holdSeconds: HOUR },
  { percent: 10, holdSeconds: HOUR },
  { percent: 50, holdSeconds: HOUR },
  { percent: 100, holdSeconds: HOUR },
];

export const canaryScheduleSchema = z
  .array(canaryStepSchema)
  .min(1)
  .max(10)
  .refine((steps) => steps.every((step, i) => i === 0 || step.percent > steps[i - 1]!.percent), "percent must rise at every step")
  .refine((steps) => steps.at(-1)?.percent === 100, "the last step must be 100%");

export type CanaryStep = z.infer<typeof canaryStepSchema>;

export const startCanarySchema = z.strictObject({
  /** The new version; its variant is the one that ramps. */
  versionId: z.uuid(),
  expectedVersion: expectedVersionSchema,
  schedule: canaryScheduleSchema.default(DEFAULT_CANARY_SCHEDULE),
  reason: z.string().trim().max(2_000).optional(),
});

export const advanceCanarySchema = z.strictObject({
  variantId: z.uuid(),
  expectedVersion: expectedVersionSchema,
  reason: z.string().trim().max(2_000).optional(),
});

export const rollbackCanarySchema = z.strictObject({
  variantId: z.uuid(),
  expectedVersion: expectedVersionSchema,
  reason: reasonSchema,
});

/** Variant columns that mean "no canary". */
export const NO_CANARY = {
  canaryVersionId: null,
  canaryPercent: 0,
  canaryStep: 0,
  canarySchedule: Prisma.DbNull,
  canaryStartedAt: null,
  canaryStepStartedAt: null,
} as const;

export function scheduleOf(stored: unknown): CanaryStep[] {
  const parsed = canaryScheduleSchema.safeParse(stored);
  return parsed.success ? parsed.data : DEFAULT_CANARY_SCHEDULE;
}

async function lockedVariant(tx: Tx, experimentId: string, variantId: string) {
  const variant = await tx.variant.findFirst({
    where: { id: variantId, experimentId },
    select: {
      id: true,
      key: true,
      activeVersionId: true,
      canaryVersionId: true,
      canaryPercent: true,
      canaryStep: true,
      canarySchedule: true,
    },
  });
  return variant ?? conflict("That variant is not part of this experiment.");
}

export async function startCanary(deps: ChangeDeps, actorId: string, input: z.input<typeof startCanarySchema>) {
  const { versionId, expectedVersion, schedule, reason } = parseInput(startCanarySchema, input);
  const version = await deps.db.promptVersion.findUnique({
    where: { id: versionId },
    select: { id: true, version: true, variantId: true, variant: { select: { experimentId: true } } },
  });
  if (!version) throw new NotFoundError("No such prompt version.");
  return changeExperiment(deps, {
    experiment: version.variant.experimentId,
    expectedVersion,
    actorId,
    action: "canary.start",
    reason,
    async apply(tx, experiment) {
      const variant = await lockedVariant(tx, experiment.id, version.variantId);
      if (variant.activeVersionId === version.id) conflict(`Version ${version.version} is already active.`);
      if (variant.canaryVersionId) conflict("A canary is already ramping on this variant.");
      const now = new Date();
      const first = schedule[0]!;
      await tx.variant.update({
        where: { id: variant.id },
        data: {
          canaryVersionId: version.id,
          canaryPercent: first.percent,
          canaryStep: 0,
          canarySchedule: schedule,
          canaryStartedAt: now,
          canaryStepStartedAt: now,
        },
      });
      return {
        entity: { type: "variant", id: variant.id },
        before: { variant: variant.key, activeVersionId: variant.activeVersionId, canaryVersionId: null },
        after: { variant: variant.key, canaryVersionId: version.id, canaryVersion: version.version, percent: first.percent, schedule },
        result: { variantId: variant.id, canaryVersionId: version.id, percent: first.percent },
      };
    },
  });
}

/**
 * Moves the canary to its next step, or promotes it after the last one. `fromStep`
 * makes it idempotent for the runner: a step already taken is not taken twice.
 */
export async function advanceCanary(
  deps: ChangeDeps,
  actorId: string | null,
  input: { experimentId: string; variantId: string; expectedVersion?: number; fromStep?: number; reason?: string | undefined; figures?: Prisma.InputJsonValue },
) {
  return changeExperiment(deps, {
    experiment: input.experimentId,
    expectedVersion: input.expectedVersion,
    actorId,
    action: "canary.advance",
    reason: input.reason,
    async apply(tx, experiment) {
      const variant = await lockedVariant(tx, experiment.id, input.variantId);
      if (!variant.canaryVersionId) {
        if (input.fromStep !== undefined) return null;
        conflict("No canary is ramping on this variant.");
      }
      if (input.fromStep !== undefined && variant.canaryStep !== input.fromStep) return null;
      const schedule = scheduleOf(variant.canarySchedule);
      const next = schedule[variant.canaryStep + 1];
      const before = { variant: variant.key, activeVersionId: variant.activeVersionId, canaryVersionId: variant.canaryVersionId, percent: variant.canaryPercent, step: variant.canaryStep };
      if (next) {
        await tx.variant.update({
          where: { id: variant.id },
          data: { canaryPercent: next.percent, canaryStep: variant.canaryStep + 1, canaryStepStartedAt: new Date() },
        });
        return {
          entity: { type: "variant", id: variant.id },
          before,
          after: { ...before, percent: next.percent, step: variant.canaryStep + 1, ...(input.figures ? { figures: input.figures } : {}) },
          result: { promoted: false, percent: next.percent },
        };
      }
      await tx.variant.update({ where: { id: variant.id }, data: { activeVersionId: variant.canaryVersionId, ...NO_CANARY } });
      return {
        action: "canary.promote",
        entity: { type: "variant", id: variant.id },
        before,
        after: { variant: variant.key, activeVersionId: variant.canaryVersionId, canaryVersionId: null, ...(input.figures ? { figures: input.figures } : {}) },
        result: { promoted: true, percent: 100 },
      };
    },
  });
}

/**
 * Ends the canary: its users go back to the variant's active (previous) version.
 * `onlyIfCanary` makes it idempotent for the runner: it acts only if that
 * version is still the one ramping.
 */
export async function rollbackCanary(
  deps: ChangeDeps,
  actorId: string | null,
  input: { experimentId: string; variantId: string; reason: string; expectedVersion?: number; onlyIfCanary?: string; figures?: Prisma.InputJsonValue },
) {
  return changeExperiment(deps, {
    experiment: input.experimentId,
    expectedVersion: input.expectedVersion,
    actorId,
    action: actorId === null ? "canary.auto_rollback" : "canary.rollback",
    reason: input.reason,
    async apply(tx, experiment) {
      const variant = await lockedVariant(tx, experiment.id, input.variantId);
      if (input.onlyIfCanary !== undefined) {
        if (variant.canaryVersionId !== input.onlyIfCanary) return null;
      } else if (!variant.canaryVersionId) {
        conflict("No canary is ramping on this variant.");
      }
      await tx.variant.update({ where: { id: variant.id }, data: NO_CANARY });
      return {
        entity: { type: "variant", id: variant.id },
        before: { variant: variant.key, activeVersionId: variant.activeVersionId, canaryVersionId: variant.canaryVersionId, percent: variant.canaryPercent, step: variant.canaryStep },
        after: { variant: variant.key, activeVersionId: variant.activeVersionId, canaryVersionId: null, ...(input.figures ? { figures: input.figures } : {}) },
        result: { variantId: variant.id, servedVersionId: variant.activeVersionId },
      };
    },
  });
}

async function experimentOfVariant(deps: ChangeDeps, variantId: string): Promise<string> {
  const variant = await deps.db.variant.findUnique({ where: { id: variantId }, select: { experimentId: true } });
  if (!variant) throw new NotFoundError("No such variant.");
  return variant.experimentId;
}

/** An admin's manual step: skips the rest of the current hold (guardrails are the admin's call here). */
export async function adminAdvanceCanary(deps: ChangeDeps, actorId: string, input: z.input<typeof advanceCanarySchema>) {
  const { variantId, expectedVersion, reason } = parseInput(advanceCanarySchema, input);
  return advanceCanary(deps, actorId, { experimentId: await experimentOfVariant(deps, variantId), variantId, expectedVersion, reason });
}

export async function adminRollbackCanary(deps: ChangeDeps, actorId: string, input: z.input<typeof rollbackCanarySchema>) {
  const { variantId, expectedVersion, reason } = parseInput(rollbackCanarySchema, input);
  return rollbackCanary(deps, actorId, { experimentId: await experimentOfVariant(deps, variantId), variantId, expectedVersion, reason });
}
