// The seeded experiment as the specs found it: v1 active on both variants and
// no kill switch. Specs that change it put it back with these, through the
// admin procedures, so the specs pass in any order.
import { adminClient, EXPERIMENT } from "./api.ts";

export async function seededExperiment() {
  const admin = adminClient();
  const summary = (await admin.admin.experiments.list.query()).find((experiment) => experiment.key === EXPERIMENT);
  if (!summary) throw new Error(`the seed's ${EXPERIMENT} experiment is missing`);
  return admin.admin.experiments.get.query({ experimentId: summary.id });
}

/** Re-activates version 1 (the seed's prompt) on a variant, if another version is active. */
export async function restoreSeedPrompt(variantKey: string): Promise<void> {
  const admin = adminClient();
  const detail = await seededExperiment();
  const variant = detail.variants.find((candidate) => candidate.key === variantKey);
  if (!variant || variant.activeVersion?.version === 1) return;
  const versions = await admin.admin.prompts.versions.query({ variantId: variant.id });
  const first = versions.find((version) => version.version === 1)!;
  await admin.admin.prompts.rollback.mutate({ versionId: first.id, expectedVersion: detail.version, reason: "e2e: restore the seed prompt" });
}

/** Lifts the kill switch, if it is on. */
export async function liftKillSwitch(): Promise<void> {
  const detail = await seededExperiment();
  if (detail.killed) await adminClient().admin.experiments.resume.mutate({ experimentId: detail.id, expectedVersion: detail.version, reason: "e2e: restore" });
}

/** Version `prompt` of a variant, created and published through the procedures. */
export async function publishVersion(variantKey: string, systemPrompt: string): Promise<number> {
  const admin = adminClient();
  const detail = await seededExperiment();
  const variant = detail.variants.find((candidate) => candidate.key === variantKey)!;
  const active = (await admin.admin.prompts.versions.query({ variantId: variant.id })).find((version) => version.isActive)!;
  const created = await admin.admin.prompts.createVersion.mutate({
    variantId: variant.id,
    systemPrompt,
    model: active.model,
    parameters: active.parameters,
    note: "e2e set-up",
  });
  await admin.admin.prompts.publish.mutate({ versionId: created.id, expectedVersion: detail.version });
  return created.version;
}
