// Which prompt version a user is served: the assigned variant's active version,
// or its canary when the user falls in the canary's slice. The slice is drawn
// with a seed of its own (the canary version's id), independent of the variant
// pick, over fixed ranges, so ramping 1 → 10 → 50 → 100% only ever adds users.
import { assignVariant, inRollout, type AssignmentReason } from "./assignment.ts";
import type { ActiveExperiment, ActivePromptVersion, ActiveVariant } from "./experiment-config.ts";

export interface ServedVersion {
  variant: ActiveVariant;
  promptVersion: ActivePromptVersion | null;
  /** True when the canary version was served. */
  canary: boolean;
  reason: AssignmentReason;
}

export function canarySeed(canaryVersionId: string): string {
  return `canary:${canaryVersionId}`;
}

export function serveExperiment(experiment: ActiveExperiment, unitId: string): ServedVersion {
  const { variant, reason } = assignVariant(
    {
      key: experiment.key,
      running: experiment.status === "running",
      killed: experiment.killed,
      shippedKey: experiment.shippedVariantKey,
      variants: experiment.variants,
    },
    unitId,
  );
  // A kill or pause serves control's stable version: no canary while the experiment is held.
  const canary = variant.canary;
  const inCanary =
    canary !== null &&
    (reason === "hashed" || reason === "shipped") &&
    inRollout(canarySeed(canary.promptVersion.id), unitId, canary.percent);
  return {
    variant,
    promptVersion: inCanary ? canary.promptVersion : variant.promptVersion,
    canary: inCanary,
    reason,
  };
}
