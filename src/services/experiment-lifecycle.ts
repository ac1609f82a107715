// An experiment's life: created as a draft with its variants, allocation and
// first prompt versions; started; paused and resumed; completed by shipping one
// variant to everyone. The kill switch sends every user to control at once and
// is idempotent, so a panicked double click changes nothing twice. Every move
// except creation goes through the one write path (experiment-change.ts).
import { z } from "zod";
import { parseInput } from "../http/validation.ts";
import type { Prisma } from "../db.ts";
import { recordAudit, type Tx } from "./audit-log.ts";
import { changeExperiment, conflict, expectedVersionSchema, reasonSchema, type ChangeDeps, type LockedExperiment } from "./experiment-change.ts";
import { guardrailSettingsSchema } from "./guardrails.ts";
import { promptContentSchema } from "./prompt-registry.ts";

const slug = (max: number) =>
  z.string().trim().min(1).max(max).regex(/^[a-z0-9][a-z0-9_-]*$/, "use lowercase letters, digits, _ and -");

/** Allocations are whole percents summing to 100, with exactly one control. */
function checkAllocation(variants: ReadonlyArray<{ key?: string; allocation: number; isControl?: boolean }>, ctx: z.RefinementCtx): void {
  const total = variants.reduce((sum, variant) => sum + variant.allocation, 0);
  if (total !== 100) ctx.addIssue({ code: "custom", path: ["variants"], message: `allocations must sum to 100 (they sum to ${total})` });
  const controls = variants.filter((variant) => variant.isControl).length;
  if (controls !== 1) ctx.addIssue({ code: "custom", path: ["variants"], message: `exactly one variant must be the control (found ${controls})` });
  const keys = variants.map((variant) => variant.key).filter((key) => key !== undefined);
  if (new Set(keys).size !== keys.length) ctx.addIssue({ code: "custom", path: ["variants"], message: "variant keys must be unique" });
}

export const createExperimentSchema = z
  .strictObject({
    key: slug(100),
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2_000).optional(),
    variants: z
      .array(
        z.strictObject({
          key: slug(50),
          allocation: z.number().int().min(0).max(100),
          isControl: z.boolean().default(false),
          prompt: promptContentSchema,
        }),
      )
      .min(1)
      .max(10),
    guardrails: guardrailSettingsSchema.optional(),
  })
  .superRefine((input, ctx) => checkAllocation(input.variants, ctx));

const experimentRef = z.strictObject({ experimentId: z.uuid(), expectedVersion: expectedVersionSchema, reason: z.string().trim().max(2_000).optional() });
export const startSchema = experimentRef;
export const resumeSchema = experimentRef;
/** A pause is a safety action: it needs a reason but not the version the admin saw. */
export const pauseSchema = z.strictObject({ experimentId: z.uuid(), expectedVersion: expectedVersionSchema.optional(), reason: reasonSchema });
/** Takes the experiment's id or key, like the seed's POST /experiments/{id}/kill. */
export const killSchema = z.strictObject({ experimentId: z.string().trim().min(1).max(100), reason: reasonSchema });
export const completeSchema = experimentRef.extend({ shipVariantId: z.uuid() });
export const allocationSchema = experimentRef
  .extend({
    variants: z.array(z.strictObject({ variantId: z.uuid(), allocation: z.number().int().min(0).max(100), isControl: z.boolean() })).min(1).max(10),
  })
  .superRefine((input, ctx) => checkAllocation(input.variants, ctx));
export const guardrailsSchema = experimentRef.extend({ guardrails: guardrailSettingsSchema });

const stateOf = (experiment: Pick<LockedExperiment, "status" | "killedAt">) => ({
  status: experiment.status,
  killed: experiment.killedAt !== null,
});

export async function createExperiment(deps: ChangeDeps, actorId: string, input: z.input<typeof createExperimentSchema>) {
  const { variants, guardrails, ...fields } = parseInput(createExperimentSchema, input);
  const created = await deps.db.$transaction(async (tx) => {
    const experiment = await tx.experiment.create({
      data: { ...fields, description: fields.description ?? null, status: "draft", ...(guardrails ? { guardrails } : {}) },
      select: { id: true, key: true, version: true },
    });
    // One at a time, in input order: creation order is the variants' stable bucket order.
    for (const { prompt, ...variant } of variants) {
      const row = await tx.variant.create({ data: { ...variant, experimentId: experiment.id }, select: { id: true } });
      const version = await tx.promptVersion.create({
        data: { variantId: row.id, version: 1, ...prompt, authorId: actorId, note: "initial version" },
        select: { id: true },
      });
      await tx.variant.update({ where: { id: row.id }, data: { activeVersionId: version.id } });
    }
    await recordAudit(tx, {
      actorId,
      action: "experiment.create",
      entityType: "experiment",
      entityId: experiment.id,
      experimentId: experiment.id,
      before: null,
      after: { key: experiment.key, status: "draft", variants: variants.map(({ key, allocation, isControl }) => ({ key, allocation, isControl })) },
      reason: null,
    });
    return experiment;
  });
  // An instance may have cached "no such experiment" under this key.
  await deps.experiments.announceChange(created.key).catch((error: unknown) => deps.log.error({ err: error, event: "config_announce_failed" }, "announce failed"));
  return created;
}

type Status = LockedExperiment["status"];

/** A status move, shared by start, pause, resume, complete and kill. */
function moveStatus(
  deps: ChangeDeps,
  actorId: string | null,
  request: { experimentId: string; expectedVersion?: number | undefined; reason?: string | undefined; action: string; figures?: Prisma.InputJsonValue | undefined },
  decide: (experiment: LockedExperiment) => { status: Status; killed: boolean; shippedVariantId?: string } | null,
  prepare?: (tx: Tx, experiment: LockedExperiment) => Promise<void>,
) {
  return changeExperiment(deps, {
    experiment: request.experimentId,
    expectedVersion: request.expectedVersion,
    actorId,
    action: request.action,
    reason: request.reason,
    async apply(tx, experiment) {
      await prepare?.(tx, experiment);
      const next = decide(experiment);
      if (!next) return null;
      await tx.experiment.update({
        where: { id: experiment.id },
        data: {
          status: next.status,
          killedAt: next.killed ? (experiment.killedAt ?? new Date()) : null,
          ...(next.shippedVariantId ? { shippedVariantId: next.shippedVariantId } : {}),
        },
      });
      return {
        before: stateOf(experiment),
        after: {
          status: next.status,
          killed: next.killed,
          ...(next.shippedVariantId ? { shippedVariantId: next.shippedVariantId } : {}),
          ...(request.figures !== undefined ? { figures: request.figures } : {}),
        },
        result: { status: next.status, killed: next.killed },
      };
    },
  });
}

export async function startExperiment(deps: ChangeDeps, actorId: string, input: z.input<typeof startSchema>) {
  const request = parseInput(startSchema, input);
  return moveStatus(deps, actorId, { ...request, action: "experiment.start" }, (experiment) =>
    experiment.status === "draft" ? { status: "running", killed: experiment.killedAt !== null } : conflict(`Only a draft can be started; this one is ${experiment.status}.`),
  );
}

/**
 * Idempotent: pausing a paused experiment changes nothing. The guardrail runner
 * calls it with a null actor, its own action name and the figures that tripped it.
 */
export async function pauseExperiment(
  deps: ChangeDeps,
  actorId: string | null,
  input: z.input<typeof pauseSchema>,
  options: { action?: string; figures?: Prisma.InputJsonValue } = {},
) {
  const request = parseInput(pauseSchema, input);
  return moveStatus(deps, actorId, { ...request, action: options.action ?? "experiment.pause", figures: options.figures }, (experiment) => {
    if (experiment.status === "paused") return null;
    if (experiment.status !== "running") conflict(`Only a running experiment can be paused; this one is ${experiment.status}.`);
    return { status: "paused", killed: experiment.killedAt !== null };
  });
}

/** Back to running from a pause, and lifts the kill switch. */
export async function resumeExperiment(deps: ChangeDeps, actorId: string, input: z.input<typeof resumeSchema>) {
  const request = parseInput(resumeSchema, input);
  return moveStatus(deps, actorId, { ...request, action: "experiment.resume" }, (experiment) => {
    if (experiment.status !== "paused" && experiment.killedAt === null) conflict(`Only a paused or killed experiment can be resumed; this one is ${experiment.status}.`);
    return { status: experiment.status === "paused" ? "running" : experiment.status, killed: false };
  });
}

export async function completeExperiment(deps: ChangeDeps, actorId: string, input: z.input<typeof completeSchema>) {
  const { shipVariantId, ...request } = parseInput(completeSchema, input);
  return moveStatus(
    deps,
    actorId,
    { ...request, action: "experiment.complete" },
    (experiment) =>
      experiment.status === "running" || experiment.status === "paused"
        ? { status: "completed", killed: false, shippedVariantId: shipVariantId }
        : conflict(`Only a running or paused experiment can be completed; this one is ${experiment.status}.`),
    async (tx, experiment) => {
      const variant = await tx.variant.findFirst({ where: { id: shipVariantId, experimentId: experiment.id }, select: { id: true } });
      if (!variant) conflict("The variant to ship is not part of this experiment.");
    },
  );
}

/** The kill switch: every user gets the control variant's active version, at once. Idempotent. */
export async function killExperiment(deps: ChangeDeps, actorId: string, input: z.input<typeof killSchema>) {
  const request = parseInput(killSchema, input);
  return moveStatus(deps, actorId, { ...request, action: "experiment.kill" }, (experiment) =>
    experiment.killedAt !== null ? null : { status: experiment.status, killed: true },
  );
}

export async function setAllocation(deps: ChangeDeps, actorId: string, input: z.input<typeof allocationSchema>) {
  const { experimentId, expectedVersion, reason, variants } = parseInput(allocationSchema, input);
  return changeExperiment(deps, {
    experiment: experimentId,
    expectedVersion,
    actorId,
    action: "experiment.allocation",
    reason,
    async apply(tx, experiment) {
      const current = await tx.variant.findMany({
        where: { experimentId: experiment.id },
        orderBy: [{ createdAt: "asc" }, { key: "asc" }],
        select: { id: true, key: true, allocation: true, isControl: true },
      });
      const given = new Map(variants.map((variant) => [variant.variantId, variant]));
      if (given.size !== current.length || current.some((variant) => !given.has(variant.id))) {
        conflict("Give an allocation for every variant of the experiment, and only those.");
      }
      const after = current.map((variant) => {
        const next = given.get(variant.id)!;
        return { key: variant.key, allocation: next.allocation, isControl: next.isControl };
      });
      for (const variant of current) {
        const next = given.get(variant.id)!;
        await tx.variant.update({ where: { id: variant.id }, data: { allocation: next.allocation, isControl: next.isControl } });
      }
      return {
        before: { variants: current.map(({ key, allocation, isControl }) => ({ key, allocation, isControl })) },
        after: { variants: after },
        result: { variants: after },
      };
    },
  });
}

export async function setGuardrails(deps: ChangeDeps, actorId: string, input: z.input<typeof guardrailsSchema>) {
  const { experimentId, expectedVersion, reason, guardrails } = parseInput(guardrailsSchema, input);
  return changeExperiment(deps, {
    experiment: experimentId,
    expectedVersion,
    actorId,
    action: "experiment.guardrails",
    reason,
    async apply(tx, experiment) {
      const row = await tx.experiment.findUniqueOrThrow({ where: { id: experiment.id }, select: { guardrails: true } });
      await tx.experiment.update({ where: { id: experiment.id }, data: { guardrails } });
      return { before: { guardrails: row.guardrails ?? null }, after: { guardrails }, result: { guardrails } };
    },
  });
}
