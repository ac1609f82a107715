// How a variant's system prompt meets a caller's own messages on the
// OpenAI-compatible gateway, where the caller sends the whole transcript. Each
// experiment chooses (experiments.system_message_policy):
//   replace (the default): every caller system/developer message is dropped and
//     the variant's prompt leads, so the experiment measures that prompt alone;
//   prepend: the variant's prompt leads and the caller's system messages stay
//     where they were, for apps that put per-request context (retrieved
//     documents, the user's profile) in their own system message.
// Changing it is an audited experiment change like any other.
import { z } from "zod";
import { changeExperiment, expectedVersionSchema, type ChangeDeps } from "./experiment-change.ts";
import type { ChatTurn } from "./llm/provider.ts";

export type SystemMessagePolicy = "replace" | "prepend";

export const DEFAULT_SYSTEM_MESSAGE_POLICY: SystemMessagePolicy = "replace";

/** The turns sent upstream. With no system prompt to apply, the caller's turns go unchanged. */
export function applySystemPrompt(
  callerTurns: readonly ChatTurn[],
  systemPrompt: string | null,
  policy: SystemMessagePolicy,
): ChatTurn[] {
  if (systemPrompt === null) return [...callerTurns];
  const kept = policy === "replace" ? callerTurns.filter((turn) => turn.role !== "system") : callerTurns;
  return [{ role: "system", content: systemPrompt }, ...kept];
}

export const setSystemMessagePolicySchema = z.strictObject({
  experimentId: z.uuid(),
  expectedVersion: expectedVersionSchema,
  policy: z.enum(["replace", "prepend"]),
  reason: z.string().trim().max(2_000).optional(),
});

export async function setSystemMessagePolicy(
  deps: ChangeDeps,
  actorId: string,
  input: z.input<typeof setSystemMessagePolicySchema>,
) {
  const { experimentId, expectedVersion, policy, reason } = setSystemMessagePolicySchema.parse(input);
  return changeExperiment(deps, {
    experiment: experimentId,
    expectedVersion,
    actorId,
    action: "experiment.system_message_policy",
    reason,
    async apply(tx, experiment) {
      const { systemMessagePolicy } = await tx.experiment.findUniqueOrThrow({
        where: { id: experiment.id },
        select: { systemMessagePolicy: true },
      });
      if (systemMessagePolicy === policy) return null;
      await tx.experiment.update({ where: { id: experiment.id }, data: { systemMessagePolicy: policy } });
      return { before: { systemMessagePolicy }, after: { systemMessagePolicy: policy }, result: { systemMessagePolicy: policy } };
    },
  });
}
