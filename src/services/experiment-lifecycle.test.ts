// An experiment's life against the real server: creation rules, draft → running
// → paused → running → completed, the kill switch, allocation, and what chat
// serves in each state.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { chatMeta } from "../testing/chat-as.ts";
import { adminIdOf, CONTROL_PROMPT, createRunningExperiment, createUserWhere, variantOf } from "../testing/experiment-fixtures.ts";
import { startTestApp, type TestApp } from "../testing/test-app.ts";
import { toAppError } from "../errors.ts";
import {
  completeExperiment,
  createExperiment,
  killExperiment,
  pauseExperiment,
  resumeExperiment,
  setAllocation,
  setGuardrails,
  startExperiment,
} from "./experiment-lifecycle.ts";

const prompt = { systemPrompt: "p", model: "gpt-4o-mini" };

describe.skipIf(!inject("servicesAvailable"))("experiment lifecycle", () => {
  let app: TestApp;
  let adminId: string;
  beforeAll(async () => {
    app = await startTestApp();
    adminId = await adminIdOf(app.runtime.deps.db);
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ["allocations that do not sum to 100", [{ key: "a", allocation: 50, isControl: true, prompt }, { key: "b", allocation: 40, prompt }], "allocations must sum to 100 (they sum to 90)"],
    ["no control", [{ key: "a", allocation: 50, prompt }, { key: "b", allocation: 50, prompt }], "exactly one variant must be the control (found 0)"],
    ["two controls", [{ key: "a", allocation: 50, isControl: true, prompt }, { key: "b", allocation: 50, isControl: true, prompt }], "exactly one variant must be the control (found 2)"],
    ["duplicate keys", [{ key: "a", allocation: 50, isControl: true, prompt }, { key: "a", allocation: 50, prompt }], "variant keys must be unique"],
  ])("refuses to create an experiment with %s", async (_name, variants, message) => {
    await expect(createExperiment(app.runtime.deps, adminId, { key: "bad_one", name: "Bad", variants })).rejects.toMatchObject({
      status: 400,
      fields: { variants: [message] },
    });
    expect(await app.runtime.deps.db.experiment.count({ where: { key: "bad_one" } })).toBe(0);
  });

  it("creates a draft with version 1 of each prompt, serving control until started; a duplicate key is a 409", async () => {
    const experiment = await createRunningExperiment(app.runtime.deps, { start: false });
    const row = await app.runtime.deps.db.experiment.findUniqueOrThrow({ where: { id: experiment.id }, include: { variants: { include: { activeVersion: true } } } });
    expect(row.status).toBe("draft");
    expect(row.variants.map((v) => [v.key, v.allocation, v.isControl, v.activeVersion?.version])).toEqual([
      ["control", 50, true, 1],
      ["treatment", 50, false, 1],
    ]);
    const user = await createUserWhere(app.runtime.deps.db, (id) => variantOf(experiment.key, id) === "treatment");
    expect(await chatMeta(app, user.key, experiment.key)).toMatchObject({ variant: "control", config_version: 1 });
    await startExperiment(app.runtime.deps, adminId, { experimentId: experiment.id, expectedVersion: 1 });
    expect(await chatMeta(app, user.key, experiment.key)).toMatchObject({ variant: "treatment", config_version: 2 });
    await expect(startExperiment(app.runtime.deps, adminId, { experimentId: experiment.id, expectedVersion: 2 })).rejects.toMatchObject({ status: 409 });
    await expect(
      createExperiment(app.runtime.deps, adminId, { key: experiment.key, name: "again", variants: [{ key: "only", allocation: 100, isControl: true, prompt }] }),
    ).rejects.toSatisfy((error) => toAppError(error).status === 409);
  });

  it("pauses with a reason (control for all), resumes, and is idempotent about pausing twice", async () => {
    const experiment = await createRunningExperiment(app.runtime.deps);
    const user = await createUserWhere(app.runtime.deps.db, (id) => variantOf(experiment.key, id) === "treatment");
    await expect(pauseExperiment(app.runtime.deps, adminId, { experimentId: experiment.id, reason: "" })).rejects.toMatchObject({ status: 400 });
    const paused = await pauseExperiment(app.runtime.deps, adminId, { experimentId: experiment.id, reason: "investigating complaints" });
    expect(paused).toMatchObject({ changed: true, result: { status: "paused" } });
    const meta = await chatMeta(app, user.key, experiment.key);
    expect(meta).toMatchObject({ variant: "control", config_version: paused.version });
    expect(app.upstream.requests.at(-1)!.body.messages[0]!.content).toBe(CONTROL_PROMPT);
    expect(await pauseExperiment(app.runtime.deps, adminId, { experimentId: experiment.id, reason: "again" })).toMatchObject({ changed: false, version: paused.version });
    const resumed = await resumeExperiment(app.runtime.deps, adminId, { experimentId: experiment.id, expectedVersion: paused.version });
    expect(await chatMeta(app, user.key, experiment.key)).toMatchObject({ variant: "treatment", config_version: resumed.version });
    const audit = await app.runtime.deps.db.auditLog.findMany({ where: { experimentId: experiment.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["experiment.create", "experiment.start", "experiment.pause", "experiment.resume"]);
    expect(audit[2]).toMatchObject({ reason: "investigating complaints", before: { status: "running" }, after: { status: "paused" } });
  });

  it("kills at once (treatment users get control), ignores a second kill, and resume lifts it", async () => {
    const experiment = await createRunningExperiment(app.runtime.deps);
    const user = await createUserWhere(app.runtime.deps.db, (id) => variantOf(experiment.key, id) === "treatment");
    expect(await chatMeta(app, user.key, experiment.key)).toMatchObject({ variant: "treatment" });
    const killed = await killExperiment(app.runtime.deps, adminId, { experimentId: experiment.key, reason: "offensive answers" });
    expect(killed).toMatchObject({ changed: true, result: { killed: true, status: "running" } });
    expect(await chatMeta(app, user.key, experiment.key)).toMatchObject({ variant: "control", prompt_version_id: experiment.control.activeVersionId, config_version: killed.version });
    expect(await killExperiment(app.runtime.deps, adminId, { experimentId: experiment.id, reason: "twice" })).toMatchObject({ changed: false, version: killed.version });
    expect(await app.runtime.deps.db.auditLog.count({ where: { experimentId: experiment.id, action: "experiment.kill" } })).toBe(1);
    await resumeExperiment(app.runtime.deps, adminId, { experimentId: experiment.id, expectedVersion: killed.version, reason: "fixed" });
    expect(await chatMeta(app, user.key, experiment.key)).toMatchObject({ variant: "treatment" });
  });

  it("completes by shipping a variant to every user", async () => {
    const experiment = await createRunningExperiment(app.runtime.deps);
    const user = await createUserWhere(app.runtime.deps.db, (id) => variantOf(experiment.key, id) === "control");
    const current = (await app.runtime.deps.db.experiment.findUniqueOrThrow({ where: { id: experiment.id } })).version;
    await expect(
      completeExperiment(app.runtime.deps, adminId, { experimentId: experiment.id, expectedVersion: current, shipVariantId: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toMatchObject({ status: 409 });
    const done = await completeExperiment(app.runtime.deps, adminId, { experimentId: experiment.id, expectedVersion: current, shipVariantId: experiment.treatment.id });
    expect(done.result).toMatchObject({ status: "completed" });
    expect(await chatMeta(app, user.key, experiment.key)).toMatchObject({ variant: "treatment", prompt_version_id: experiment.treatment.activeVersionId });
  });

  it("changes allocation and guardrails with the version the admin saw, and refuses a stale one", async () => {
    const experiment = await createRunningExperiment(app.runtime.deps);
    const user = await createUserWhere(app.runtime.deps.db, (id) => variantOf(experiment.key, id) === "control");
    const current = (await app.runtime.deps.db.experiment.findUniqueOrThrow({ where: { id: experiment.id } })).version;
    await expect(
      setAllocation(app.runtime.deps, adminId, {
        experimentId: experiment.id,
        expectedVersion: current,
        variants: [
          { variantId: experiment.control.id, allocation: 10, isControl: true },
          { variantId: experiment.treatment.id, allocation: 80, isControl: false },
        ],
      }),
    ).rejects.toMatchObject({ status: 400 });
    const moved = await setAllocation(app.runtime.deps, adminId, {
      experimentId: experiment.id,
      expectedVersion: current,
      variants: [
        { variantId: experiment.control.id, allocation: 0, isControl: true },
        { variantId: experiment.treatment.id, allocation: 100, isControl: false },
      ],
    });
    expect(await chatMeta(app, user.key, experiment.key)).toMatchObject({ variant: "treatment", config_version: moved.version });
    await expect(setGuardrails(app.runtime.deps, adminId, { experimentId: experiment.id, expectedVersion: current, guardrails: { maxApprovalDrop: 0.2 } })).rejects.toMatchObject({
      status: 409,
    });
    const guarded = await setGuardrails(app.runtime.deps, adminId, { experimentId: experiment.id, expectedVersion: moved.version, guardrails: { maxApprovalDrop: 0.2 } });
    expect(guarded.result).toEqual({ guardrails: { maxApprovalDrop: 0.2 } });
  });
});
