// The prompt registry against the real server, PostgreSQL and Redis: immutable
// numbered versions, diffs, publish and rollback as one audited transaction
// that bumps the config version and reaches the chat path, and exactly one
// winner when two admins publish at once.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { chatMeta } from "../testing/chat-as.ts";
import { adminIdOf, createRunningExperiment, createUserWhere, TREATMENT_PROMPT, variantOf, type TestExperiment } from "../testing/experiment-fixtures.ts";
import { startTestApp, type TestApp } from "../testing/test-app.ts";
import { StaleVersionError } from "./experiment-change.ts";
import { createVersion, diffVersions, listVersions, publishVersion, rollbackVersion } from "./prompt-registry.ts";

describe.skipIf(!inject("servicesAvailable"))("prompt registry", () => {
  let app: TestApp;
  let adminId: string;
  let experiment: TestExperiment;
  let treatmentUser: { id: string; key: string };

  const configVersion = async () =>
    (await app.runtime.deps.db.experiment.findUniqueOrThrow({ where: { id: experiment.id }, select: { version: true } })).version;
  const newVersion = (systemPrompt: string, note = "test") =>
    createVersion(app.runtime.deps.db, adminId, { variantId: experiment.treatment.id, systemPrompt, model: "gpt-4o-mini", parameters: { temperature: 0.1, max_tokens: 64 }, note });

  beforeAll(async () => {
    app = await startTestApp();
    adminId = await adminIdOf(app.runtime.deps.db);
    experiment = await createRunningExperiment(app.runtime.deps);
    treatmentUser = await createUserWhere(app.runtime.deps.db, (id) => variantOf(experiment.key, id) === "treatment");
  });
  afterAll(async () => {
    await app?.close();
  });

  it("numbers versions per variant, even when created concurrently, and lists them newest first", async () => {
    const created = await Promise.all(Array.from({ length: 5 }, (_, i) => newVersion(`concurrent ${i}`)));
    expect(created.map((v) => v.version).sort()).toEqual([2, 3, 4, 5, 6]);
    const listed = await listVersions(app.runtime.deps.db, experiment.treatment.id);
    expect(listed.map((v) => v.version)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(listed.find((v) => v.version === 1)).toMatchObject({ isActive: true, isCanary: false, systemPrompt: TREATMENT_PROMPT });
    expect(listed[0]).toMatchObject({ isActive: false, author: { id: adminId }, note: "test", parameters: { temperature: 0.1, max_tokens: 64 } });
    const audit = await app.runtime.deps.db.auditLog.count({ where: { experimentId: experiment.id, action: "prompt.create_version" } });
    expect(audit).toBe(5);
  });

  it("diffs any two versions line by line, with model and parameter changes", async () => {
    const listed = await listVersions(app.runtime.deps.db, experiment.treatment.id);
    const v1 = listed.find((v) => v.version === 1)!;
    const v2 = listed.find((v) => v.version === 2)!;
    const diff = await diffVersions(app.runtime.deps.db, v1.id, v2.id);
    expect(diff.systemPrompt.lines).toEqual([
      { kind: "removed", text: TREATMENT_PROMPT, oldLine: 1, newLine: null },
      { kind: "added", text: v2.systemPrompt, oldLine: null, newLine: 1 },
    ]);
    expect(diff.model).toEqual({ from: "gpt-4o-mini", to: "gpt-4o-mini", changed: false });
    expect(diff.parameters.lines.filter((l) => l.kind !== "context").map((l) => `${l.kind}:${l.text.trim()}`)).toEqual([
      "removed:\"temperature\": 0.9",
      "added:\"max_tokens\": 64,",
      "added:\"temperature\": 0.1",
    ]);
    await expect(diffVersions(app.runtime.deps.db, v1.id, "00000000-0000-4000-8000-000000000000")).rejects.toMatchObject({ status: 404 });
  });

  it("publishes in one audited change that bumps the config version and reaches chat at once", async () => {
    const before = await configVersion();
    const version = await newVersion("You are the published assistant.\nBe brief.", "publish me");
    const published = await publishVersion(app.runtime.deps, adminId, { versionId: version.id, expectedVersion: before, reason: "better tone" });
    expect(published).toMatchObject({ changed: true, version: before + 1, result: { activeVersionId: version.id, activeVersion: version.version } });

    const audit = await app.runtime.deps.db.auditLog.findUniqueOrThrow({ where: { id: published.auditId! } });
    expect(audit).toMatchObject({
      actorId: adminId,
      action: "prompt.publish",
      entityType: "variant",
      entityId: experiment.treatment.id,
      experimentId: experiment.id,
      reason: "better tone",
      before: { activeVersionId: experiment.treatment.activeVersionId, activeVersion: 1 },
      after: { activeVersionId: version.id, activeVersion: version.version },
    });

    const meta = await chatMeta(app, treatmentUser.key, experiment.key);
    expect(meta).toMatchObject({ variant: "treatment", prompt_version_id: version.id, config_version: before + 1 });
    expect(app.upstream.requests.at(-1)!.body.messages[0]!.content).toBe("You are the published assistant.\nBe brief.");
    expect(app.upstream.requests.at(-1)!.body.temperature).toBe(0.1);
  });

  it("rolls back to an earlier version, with a reason, and chat serves the old prompt again", async () => {
    const current = await configVersion();
    await expect(
      rollbackVersion(app.runtime.deps, adminId, { versionId: experiment.treatment.activeVersionId, expectedVersion: current, reason: "" }),
    ).rejects.toMatchObject({ status: 400, fields: { reason: ["a reason is required"] } });
    const rolled = await rollbackVersion(app.runtime.deps, adminId, {
      versionId: experiment.treatment.activeVersionId,
      expectedVersion: current,
      reason: "users dislike the new tone",
    });
    expect(rolled).toMatchObject({ changed: true, version: current + 1, result: { activeVersion: 1 } });
    const meta = await chatMeta(app, treatmentUser.key, experiment.key);
    expect(meta).toMatchObject({ prompt_version_id: experiment.treatment.activeVersionId, prompt_version: 1, config_version: current + 1 });
    expect(app.upstream.requests.at(-1)!.body.messages[0]!.content).toBe(TREATMENT_PROMPT);
    const audit = await app.runtime.deps.db.auditLog.findUniqueOrThrow({ where: { id: rolled.auditId! } });
    expect(audit).toMatchObject({ action: "prompt.rollback", reason: "users dislike the new tone" });
  });

  it("refuses publishing an older or the active version, and rolling back to a newer one, changing nothing", async () => {
    const current = await configVersion();
    const listed = await listVersions(app.runtime.deps.db, experiment.treatment.id);
    const active = listed.find((v) => v.isActive)!;
    const newest = listed[0]!;
    await expect(publishVersion(app.runtime.deps, adminId, { versionId: active.id, expectedVersion: current })).rejects.toMatchObject({ status: 409 });
    await expect(rollbackVersion(app.runtime.deps, adminId, { versionId: newest.id, expectedVersion: current, reason: "wrong way" })).rejects.toMatchObject({ status: 409 });
    expect(await configVersion()).toBe(current);
  });

  it("lets exactly one of two simultaneous publishes win; the other gets a 409 and changes nothing", async () => {
    const current = await configVersion();
    const [a, b] = await Promise.all([newVersion("admin A's prompt"), newVersion("admin B's prompt")]);
    const auditsBefore = await app.runtime.deps.db.auditLog.count({ where: { experimentId: experiment.id } });
    const results = await Promise.allSettled([
      publishVersion(app.runtime.deps, adminId, { versionId: a.id, expectedVersion: current }),
      publishVersion(app.runtime.deps, adminId, { versionId: b.id, expectedVersion: current }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(StaleVersionError);
    expect(lost[0]!.reason).toMatchObject({ status: 409, code: "conflict" });
    expect(await configVersion()).toBe(current + 1);
    expect(await app.runtime.deps.db.auditLog.count({ where: { experimentId: experiment.id } })).toBe(auditsBefore + 1);
  });

  it("keeps the change and its audit row atomic: if the audit row cannot be written, nothing changes", async () => {
    const current = await configVersion();
    const version = await newVersion("never served");
    const activeBefore = (await app.runtime.deps.db.variant.findUniqueOrThrow({ where: { id: experiment.treatment.id } })).activeVersionId;
    // An actor that is not a user violates the audit row's foreign key, inside the same transaction.
    const ghost = "00000000-0000-4000-8000-00000000dead";
    await expect(publishVersion(app.runtime.deps, ghost, { versionId: version.id, expectedVersion: current })).rejects.toThrow();
    const variant = await app.runtime.deps.db.variant.findUniqueOrThrow({ where: { id: experiment.treatment.id } });
    expect(variant.activeVersionId).toBe(activeBefore);
    expect(await configVersion()).toBe(current);
  });
});
