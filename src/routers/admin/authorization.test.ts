// Every admin procedure refuses a normal user's key with 403 and changes
// nothing, given inputs that are valid and would change things for an admin.
// The table must name every procedure under `admin.`, so a new one cannot
// slip in untested.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { chatMeta } from "../../testing/chat-as.ts";
import { adminIdOf, createRunningExperiment, createUserWhere } from "../../testing/experiment-fixtures.ts";
import { postJson } from "../../testing/http-client.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../../testing/test-app.ts";
import { callerFor } from "../../testing/trpc-caller.ts";
import { startCanary } from "../../services/canary-rollout.ts";
import { publishVersion, createVersion } from "../../services/prompt-registry.ts";
import { pauseExperiment } from "../../services/experiment-lifecycle.ts";
import { appRouter } from "../../trpc/router.ts";

type Procedure = { _def: { inputs: Array<{ parse(value: unknown): unknown }> } };
const procedures = (appRouter as unknown as { _def: { procedures: Record<string, Procedure> } })._def.procedures;

describe.skipIf(!inject("servicesAvailable"))("admin procedures with a normal user's key", () => {
  let app: TestApp;
  const inputs: Record<string, unknown> = {};

  async function snapshot() {
    const db = app.runtime.deps.db;
    return JSON.stringify(
      await Promise.all([
        db.experiment.findMany({ orderBy: { id: "asc" }, select: { id: true, status: true, version: true, killedAt: true, shippedVariantId: true, guardrails: true } }),
        db.variant.findMany({ orderBy: { id: "asc" }, select: { id: true, allocation: true, isControl: true, activeVersionId: true, canaryVersionId: true, canaryPercent: true } }),
        db.promptVersion.count(),
        db.auditLog.count(),
      ]),
    );
  }

  beforeAll(async () => {
    // No timer round may move the canary set up below while the test compares snapshots.
    app = await startTestApp({ env: { GUARDRAIL_INTERVAL_MS: "3600000" } });
    const deps = app.runtime.deps;
    const adminId = await adminIdOf(deps.db);
    const running = await createRunningExperiment(deps);
    const draft = await createRunningExperiment(deps, { start: false });
    const paused = await createRunningExperiment(deps);

    const next = await createVersion(deps.db, adminId, { variantId: running.treatment.id, systemPrompt: "v2", model: "gpt-4o-mini" });
    // A canary on control whose next round would move it on: checkGuardrails must not run.
    const controlNext = await createVersion(deps.db, adminId, { variantId: running.control.id, systemPrompt: "c2", model: "gpt-4o-mini" });
    const canary = await startCanary(deps, adminId, {
      versionId: controlNext.id,
      expectedVersion: 2,
      schedule: [{ percent: 1, holdSeconds: 0 }, { percent: 100, holdSeconds: 0 }],
    });
    const pausedNext = await createVersion(deps.db, adminId, { variantId: paused.treatment.id, systemPrompt: "p2", model: "gpt-4o-mini" });
    const published = await publishVersion(deps, adminId, { versionId: pausedNext.id, expectedVersion: 2 });
    const pausedNow = await pauseExperiment(deps, adminId, { experimentId: paused.id, reason: "set up for resume" });
    const user = await createUserWhere(deps.db, () => true);
    const meta = await chatMeta(app, user.key, running.key);
    const v = canary.version;

    Object.assign(inputs, {
      "admin.experiments.list": undefined,
      "admin.experiments.get": { experimentId: running.id },
      "admin.experiments.create": {
        key: "sneaky",
        name: "Sneaky",
        variants: [{ key: "only", allocation: 100, isControl: true, prompt: { systemPrompt: "x", model: "gpt-4o-mini" } }],
      },
      "admin.experiments.start": { experimentId: draft.id, expectedVersion: 1 },
      "admin.experiments.pause": { experimentId: running.id, reason: "because" },
      "admin.experiments.resume": { experimentId: paused.id, expectedVersion: pausedNow.version },
      "admin.experiments.complete": { experimentId: running.id, expectedVersion: v, shipVariantId: running.treatment.id },
      "admin.experiments.kill": { experimentId: running.key, reason: "because" },
      "admin.experiments.setAllocation": {
        experimentId: running.id,
        expectedVersion: v,
        variants: [
          { variantId: running.control.id, allocation: 0, isControl: true },
          { variantId: running.treatment.id, allocation: 100, isControl: false },
        ],
      },
      "admin.experiments.setGuardrails": { experimentId: running.id, expectedVersion: v, guardrails: { maxErrorRate: 0.5 } },
      "admin.prompts.versions": { variantId: running.treatment.id },
      "admin.prompts.diff": { fromVersionId: running.treatment.activeVersionId, toVersionId: next.id },
      "admin.prompts.createVersion": { variantId: running.treatment.id, systemPrompt: "sneaky", model: "gpt-4o-mini" },
      "admin.prompts.publish": { versionId: next.id, expectedVersion: v },
      "admin.prompts.rollback": { versionId: paused.treatment.activeVersionId, expectedVersion: pausedNow.version, reason: "because" },
      "admin.prompts.provenance": { messageId: meta.message_id },
      "admin.rollout.startCanary": { versionId: next.id, expectedVersion: v },
      "admin.rollout.advanceCanary": { variantId: running.control.id, expectedVersion: v },
      "admin.rollout.rollbackCanary": { variantId: running.control.id, expectedVersion: v, reason: "because" },
      "admin.rollout.checkGuardrails": undefined,
      "admin.audit.search": { experimentId: running.id },
    });
    expect(published.changed).toBe(true);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("covers every admin procedure with an input the procedure accepts", () => {
    const adminPaths = Object.keys(procedures).filter((path) => path.startsWith("admin."));
    expect(adminPaths.sort()).toEqual(Object.keys(inputs).sort());
    for (const path of adminPaths) {
      for (const parser of procedures[path]!._def.inputs) expect(() => parser.parse(inputs[path]), path).not.toThrow();
    }
  });

  it("answers FORBIDDEN to each, and nothing changes", async () => {
    const before = await snapshot();
    const caller = callerFor(app.runtime.deps, TEST_USER_KEY) as unknown as Record<string, unknown>;
    for (const [path, input] of Object.entries(inputs)) {
      const procedure = path.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], caller) as (input: unknown) => Promise<unknown>;
      await expect(procedure(input), path).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await snapshot()).toBe(before);
  });

  it("answers 403 over HTTP and 401 without a key", async () => {
    const list = await fetch(`${app.url}/trpc/admin.experiments.list`, { headers: { "x-api-key": TEST_USER_KEY } });
    expect(list.status).toBe(403);
    const kill = await postJson(`${app.url}/trpc/admin.experiments.kill`, inputs["admin.experiments.kill"], { "x-api-key": TEST_USER_KEY });
    expect(kill.status).toBe(403);
    expect(((await kill.json()) as { error: { data: { appCode: string } } }).error.data.appCode).toBe("forbidden");
    expect((await fetch(`${app.url}/trpc/admin.audit.search?input=${encodeURIComponent(JSON.stringify({}))}`)).status).toBe(401);
  });
});
