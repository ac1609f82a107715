// The versioned prompt registry. A variant's prompt (system prompt, model,
// parameters) only ever changes by adding an immutable version; publishing
// points the variant at a newer version, rollback points it back at an older
// one. Both go through the one write path (experiment-change.ts): one
// transaction with the audit row, then the cache invalidation broadcast.
import { z } from "zod";
import { parseInput } from "../http/validation.ts";
import type { Db } from "../db.ts";
import { NotFoundError } from "../errors.ts";
import { recordAudit } from "./audit-log.ts";
import { NO_CANARY } from "./canary-rollout.ts";
import { changeExperiment, conflict, expectedVersionSchema, reasonSchema, type ChangeDeps } from "./experiment-change.ts";
import { lineDiff, parametersText, type LineDiff } from "./prompt-diff.ts";

/** Provider parameters in the seed's snake_case JSON, e.g. { temperature: 0.7, max_tokens: 512 }. */
export const promptParametersSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.number().int().min(1).max(1_000_000).optional(),
  top_p: z.number().min(0).max(1).optional(),
});

/** Stored parameters are validated on write, so reads can carry this type instead of Prisma's JsonValue. */
export type PromptParameters = z.infer<typeof promptParametersSchema>;

export const promptContentSchema = z.strictObject({
  systemPrompt: z.string().trim().min(1, "systemPrompt must not be empty").max(100_000),
  model: z.string().trim().min(1).max(200),
  parameters: promptParametersSchema.default({}),
});

export const createVersionSchema = promptContentSchema.extend({
  variantId: z.uuid(),
  note: z.string().trim().max(2_000).optional(),
});

export const publishSchema = z.strictObject({
  versionId: z.uuid(),
  expectedVersion: expectedVersionSchema,
  reason: z.string().trim().max(2_000).optional(),
});

export const rollbackSchema = z.strictObject({
  /** The earlier version to re-activate. */
  versionId: z.uuid(),
  expectedVersion: expectedVersionSchema,
  reason: reasonSchema,
});

const VERSION_FIELDS = {
  id: true,
  variantId: true,
  version: true,
  systemPrompt: true,
  model: true,
  parameters: true,
  note: true,
  createdAt: true,
  author: { select: { id: true, name: true } },
} as const;

async function variantOf(db: Db, variantId: string) {
  const variant = await db.variant.findUnique({
    where: { id: variantId },
    select: { id: true, key: true, experimentId: true, activeVersionId: true, canaryVersionId: true },
  });
  if (!variant) throw new NotFoundError("No such variant.");
  return variant;
}

/** Adds version n+1 to a variant. It serves nobody until published or started as a canary. */
export async function createVersion(db: Db, actorId: string, input: z.input<typeof createVersionSchema>) {
  const { variantId, note, ...content } = parseInput(createVersionSchema, input);
  const variant = await variantOf(db, variantId);
  return db.$transaction(async (tx) => {
    // Serialises concurrent creates on one variant, so both get a number instead of one a 409.
    await tx.$queryRaw`SELECT id FROM variants WHERE id = ${variantId}::uuid FOR UPDATE`;
    const last = await tx.promptVersion.aggregate({ where: { variantId }, _max: { version: true } });
    const created = await tx.promptVersion.create({
      data: { variantId, version: (last._max.version ?? 0) + 1, ...content, authorId: actorId, note: note ?? null },
      select: VERSION_FIELDS,
    });
    const version = { ...created, parameters: created.parameters as PromptParameters };
    await recordAudit(tx, {
      actorId,
      action: "prompt.create_version",
      entityType: "prompt_version",
      entityId: created.id,
      experimentId: variant.experimentId,
      before: null,
      after: { variantId, variant: variant.key, version: created.version, model: created.model, parameters: content.parameters },
      reason: note ?? null,
    });
    return version;
  });
}

/** Newest first, each marked active or canary. */
export async function listVersions(db: Db, variantId: string) {
  const variant = await variantOf(db, variantId);
  const versions = await db.promptVersion.findMany({
    where: { variantId },
    orderBy: { version: "desc" },
    select: { ...VERSION_FIELDS, _count: { select: { messages: true } } },
  });
  return versions.map(({ _count, ...version }) => ({
    ...version,
    parameters: version.parameters as PromptParameters,
    messages: _count.messages,
    isActive: version.id === variant.activeVersionId,
    isCanary: version.id === variant.canaryVersionId,
  }));
}

export interface VersionDiff {
  from: { id: string; version: number; variantId: string; model: string };
  to: { id: string; version: number; variantId: string; model: string };
  systemPrompt: LineDiff;
  model: { from: string; to: string; changed: boolean };
  parameters: LineDiff;
}

/** Any two versions, even of different variants (to compare concise with detailed). */
export async function diffVersions(db: Db, fromId: string, toId: string): Promise<VersionDiff> {
  const rows = await db.promptVersion.findMany({ where: { id: { in: [fromId, toId] } }, select: VERSION_FIELDS });
  const from = rows.find((row) => row.id === fromId);
  const to = rows.find((row) => row.id === toId);
  if (!from || !to) throw new NotFoundError("No such prompt version.");
  const summary = (v: typeof from) => ({ id: v.id, version: v.version, variantId: v.variantId, model: v.model });
  return {
    from: summary(from),
    to: summary(to),
    systemPrompt: lineDiff(from.systemPrompt, to.systemPrompt),
    model: { from: from.model, to: to.model, changed: from.model !== to.model },
    parameters: lineDiff(parametersText(from.parameters), parametersText(to.parameters)),
  };
}

type Direction = "publish" | "rollback";

/** Moves a variant's active pointer: forward for publish, back for rollback. */
async function activate(
  deps: ChangeDeps,
  actorId: string,
  direction: Direction,
  input: { versionId: string; expectedVersion: number; reason?: string | undefined },
) {
  const target = await deps.db.promptVersion.findUnique({
    where: { id: input.versionId },
    select: { id: true, version: true, variantId: true, variant: { select: { experimentId: true } } },
  });
  if (!target) throw new NotFoundError("No such prompt version.");
  return changeExperiment(deps, {
    experiment: target.variant.experimentId,
    expectedVersion: input.expectedVersion,
    actorId,
    action: `prompt.${direction}`,
    reason: input.reason,
    async apply(tx) {
      const variant = await tx.variant.findUniqueOrThrow({
        where: { id: target.variantId },
        select: {
          id: true,
          key: true,
          canaryVersionId: true,
          canaryPercent: true,
          activeVersion: { select: { id: true, version: true } },
        },
      });
      const active = variant.activeVersion;
      if (active?.id === target.id) conflict(`Version ${target.version} is already active.`);
      if (direction === "publish") {
        if (active && target.version < active.version) conflict(`Version ${target.version} is older than the active ${active.version}; roll back to it instead.`);
        if (variant.canaryVersionId) conflict("A canary is ramping on this variant; promote or roll it back first.");
      } else if (!active || target.version > active.version) {
        conflict(`Version ${target.version} is not older than the active one; publish it instead.`);
      }
      // A rollback is the emergency exit: it also abandons any canary on the variant.
      await tx.variant.update({
        where: { id: variant.id },
        data: {
          activeVersionId: target.id,
          ...(direction === "rollback" ? NO_CANARY : {}),
        },
      });
      return {
        entity: { type: "variant", id: variant.id },
        before: {
          variant: variant.key,
          activeVersionId: active?.id ?? null,
          activeVersion: active?.version ?? null,
          canaryVersionId: variant.canaryVersionId,
          canaryPercent: variant.canaryPercent,
        },
        after: { variant: variant.key, activeVersionId: target.id, activeVersion: target.version, canaryVersionId: direction === "rollback" ? null : variant.canaryVersionId },
        result: { variantId: variant.id, activeVersionId: target.id, activeVersion: target.version },
      };
    },
  });
}

export async function publishVersion(deps: ChangeDeps, actorId: string, input: z.input<typeof publishSchema>) {
  return activate(deps, actorId, "publish", parseInput(publishSchema, input));
}

export async function rollbackVersion(deps: ChangeDeps, actorId: string, input: z.input<typeof rollbackSchema>) {
  return activate(deps, actorId, "rollback", parseInput(rollbackSchema, input));
}
