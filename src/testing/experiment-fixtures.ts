// Experiments and users for the rollout tests: a running two-variant experiment
// created through the admin service (so it has versions, an audit trail and a
// config version like a real one), and users whose id lands where a test needs
// it (in a given variant, inside or outside a canary's slice).
import { randomUUID } from "node:crypto";
import type { AppDeps } from "../deps.ts";
import type { Db } from "../db.ts";
import { displayPrefix, generateApiKey, hashApiKey } from "../services/api-keys.ts";
import { assignVariant, inRollout } from "../services/assignment.ts";
import { createExperiment, startExperiment } from "../services/experiment-lifecycle.ts";
import type { GuardrailSettings } from "../services/guardrails.ts";
import { canarySeed } from "../services/served-version.ts";

export const CONTROL_PROMPT = "You are the control assistant.";
export const TREATMENT_PROMPT = "You are the treatment assistant.";

export async function adminIdOf(db: Db): Promise<string> {
  return (await db.user.findFirstOrThrow({ where: { role: "admin" }, orderBy: { createdAt: "asc" }, select: { id: true } })).id;
}

export interface TestExperiment {
  id: string;
  key: string;
  control: { id: string; key: "control"; activeVersionId: string };
  treatment: { id: string; key: "treatment"; activeVersionId: string };
}

/** A running 50/50 experiment, control first. */
export async function createRunningExperiment(
  deps: AppDeps,
  options: { key?: string; guardrails?: GuardrailSettings; start?: boolean } = {},
): Promise<TestExperiment> {
  const adminId = await adminIdOf(deps.db);
  const key = options.key ?? `exp_${randomUUID().slice(0, 8)}`;
  const created = await createExperiment(deps, adminId, {
    key,
    name: `Test ${key}`,
    variants: [
      { key: "control", allocation: 50, isControl: true, prompt: { systemPrompt: CONTROL_PROMPT, model: "gpt-4o-mini", parameters: { temperature: 0.5 } } },
      { key: "treatment", allocation: 50, prompt: { systemPrompt: TREATMENT_PROMPT, model: "gpt-4o-mini", parameters: { temperature: 0.9 } } },
    ],
    ...(options.guardrails ? { guardrails: options.guardrails } : {}),
  });
  if (options.start ?? true) await startExperiment(deps, adminId, { experimentId: created.id, expectedVersion: created.version });
  const variants = await deps.db.variant.findMany({ where: { experimentId: created.id }, select: { id: true, key: true, activeVersionId: true } });
  const pick = <K extends "control" | "treatment">(variantKey: K) => {
    const variant = variants.find((v) => v.key === variantKey)!;
    return { id: variant.id, key: variantKey, activeVersionId: variant.activeVersionId! };
  };
  return { id: created.id, key, control: pick("control"), treatment: pick("treatment") };
}

/** The variant a 50/50 control/treatment experiment assigns to a user while running. */
export function variantOf(experimentKey: string, userId: string): "control" | "treatment" {
  const variants = [
    { key: "control" as const, allocation: 50, isControl: true },
    { key: "treatment" as const, allocation: 50, isControl: false },
  ];
  return assignVariant({ key: experimentKey, running: true, killed: false, variants }, userId).variant.key;
}

/** Whether a user is in a canary's slice at `percent`. */
export function inCanary(canaryVersionId: string, userId: string, percent: number): boolean {
  return inRollout(canarySeed(canaryVersionId), userId, percent);
}

/** A user (with an API key and a generous rate limit) whose id satisfies `wanted`. */
export async function createUserWhere(db: Db, wanted: (userId: string) => boolean, name = "Rollout User"): Promise<{ id: string; key: string }> {
  let id = randomUUID();
  for (let tries = 0; !wanted(id); tries++) {
    if (tries > 100_000) throw new Error("no user id satisfies the condition");
    id = randomUUID();
  }
  const key = generateApiKey();
  await db.user.create({
    data: { id, name, rateLimitPerHour: 100_000, apiKeys: { create: { keyHash: hashApiKey(key), prefix: displayPrefix(key) } } },
  });
  return { id, key };
}
