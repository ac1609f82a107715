// Canary ramps end to end: the slice that gets the canary, the version each
// message records, the 1 → 10 → 50 → 100% climb gated by the runner and the
// step hold times, promotion, and automatic rollback when a guardrail breaks,
// both from the timer's round and from feedback.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postJson } from "../testing/http-client.ts";
import { captureLog } from "../testing/capture-log.ts";
import { chatMeta } from "../testing/chat-as.ts";
import { adminIdOf, createRunningExperiment, createUserWhere, inCanary, variantOf, type TestExperiment } from "../testing/experiment-fixtures.ts";
import { startTestApp, type TestApp } from "../testing/test-app.ts";
import { startCanary } from "./canary-rollout.ts";
import { GuardrailRunner } from "./guardrail-runner.ts";
import { createVersion } from "./prompt-registry.ts";

const FAST_RAMP = [1, 10, 50, 100].map((percent) => ({ percent, holdSeconds: 0 }));

describe.skipIf(!inject("servicesAvailable"))("canary rollout", () => {
  let app: TestApp;
  let adminId: string;
  beforeAll(async () => {
    // Failures are injected on purpose: no retries, and no circuit breaker opening on other tests.
    // The timer's rounds are pushed out of the way; the tests run rounds themselves (or by feedback).
    app = await startTestApp({ env: { LLM_MAX_ATTEMPTS: "1", LLM_BREAKER_FAILURES: "100000", GUARDRAIL_INTERVAL_MS: "3600000" } });
    adminId = await adminIdOf(app.runtime.deps.db);
  });
  afterAll(async () => {
    await app?.close();
  });

  const configVersion = async (experiment: TestExperiment) =>
    (await app.runtime.deps.db.experiment.findUniqueOrThrow({ where: { id: experiment.id } })).version;

  async function canaryOn(experiment: TestExperiment, schedule: Array<{ percent: number; holdSeconds: number }>, systemPrompt = "You are the canary.") {
    const version = await createVersion(app.runtime.deps.db, adminId, { variantId: experiment.treatment.id, systemPrompt, model: "gpt-4o-mini" });
    await startCanary(app.runtime.deps, adminId, { versionId: version.id, expectedVersion: await configVersion(experiment), schedule });
    return version;
  }

  it("serves the canary to its slice, records the served version, and ramps 1 → 10 → 50 → 100% to promotion", async () => {
    const experiment = await createRunningExperiment(app.runtime.deps);
    const canary = await canaryOn(experiment, FAST_RAMP);
    const db = app.runtime.deps.db;
    const early = await createUserWhere(db, (id) => variantOf(experiment.key, id) === "treatment" && inCanary(canary.id, id, 1));
    const late = await createUserWhere(db, (id) => variantOf(experiment.key, id) === "treatment" && !inCanary(canary.id, id, 50));

    const first = await chatMeta(app, early.key, experiment.key);
    expect(first).toMatchObject({ variant: "treatment", prompt_version_id: canary.id, prompt_version: 2 });
    expect(app.upstream.requests.at(-1)!.body.messages[0]!.content).toBe("You are the canary.");
    const stored = await db.message.findUniqueOrThrow({ where: { id: first.message_id as string } });
    expect(stored.promptVersionId).toBe(canary.id);
    expect(await chatMeta(app, late.key, experiment.key)).toMatchObject({ prompt_version_id: experiment.treatment.activeVersionId });

    const servedAt: Array<[number, unknown, unknown]> = [];
    for (const percent of [10, 50, 100]) {
      const round = await app.runtime.deps.guardrails.runOnce();
      expect(round.actions).toContainEqual({ kind: "canary_advanced", experiment: experiment.key, variant: "treatment", percent });
      const [earlyMeta, lateMeta] = [await chatMeta(app, early.key, experiment.key), await chatMeta(app, late.key, experiment.key)];
      servedAt.push([percent, earlyMeta.prompt_version_id, lateMeta.prompt_version_id]);
    }
    // Sticky: in at 1% means in at every later step; the late user joins only at 100%.
    expect(servedAt).toEqual([
      [10, canary.id, experiment.treatment.activeVersionId],
      [50, canary.id, experiment.treatment.activeVersionId],
      [100, canary.id, canary.id],
    ]);

    const round = await app.runtime.deps.guardrails.runOnce();
    expect(round.actions).toContainEqual({ kind: "canary_promoted", experiment: experiment.key, variant: "treatment" });
    const variant = await db.variant.findUniqueOrThrow({ where: { id: experiment.treatment.id } });
    expect(variant).toMatchObject({ activeVersionId: canary.id, canaryVersionId: null, canaryPercent: 0 });
    const actions = await db.auditLog.findMany({ where: { experimentId: experiment.id, action: { startsWith: "canary." } }, orderBy: { createdAt: "asc" } });
    expect(actions.map((a) => [a.action, a.actorId === null ? "system" : "admin"])).toEqual([
      ["canary.start", "admin"],
      ["canary.advance", "system"],
      ["canary.advance", "system"],
      ["canary.advance", "system"],
      ["canary.promote", "system"],
    ]);
    expect(await chatMeta(app, late.key, experiment.key)).toMatchObject({ prompt_version_id: canary.id, config_version: await configVersion(experiment) });
  });

  it("holds each step for its configured time before moving on", async () => {
    const experiment = await createRunningExperiment(app.runtime.deps);
    await canaryOn(experiment, [
      { percent: 1, holdSeconds: 3_600 },
      { percent: 100, holdSeconds: 3_600 },
    ]);
    await app.runtime.deps.guardrails.runOnce();
    expect((await app.runtime.deps.db.variant.findUniqueOrThrow({ where: { id: experiment.treatment.id } })).canaryPercent).toBe(1);
    const anHourLater = new GuardrailRunner(app.runtime.deps, { intervalMs: 60_000, now: () => new Date(Date.now() + 3_601_000) });
    const round = await anHourLater.runOnce();
    expect(round.actions).toContainEqual({ kind: "canary_advanced", experiment: experiment.key, variant: "treatment", percent: 100 });
  });

  it("rolls the canary back automatically when its error rate breaks the guardrail, with an audit row, figures and an alert", async () => {
    const experiment = await createRunningExperiment(app.runtime.deps, { guardrails: { minMessages: 3, maxErrorRate: 0.2 } });
    const canary = await canaryOn(experiment, [
      { percent: 50, holdSeconds: 3_600 },
      { percent: 100, holdSeconds: 3_600 },
    ]);
    const user = await createUserWhere(app.runtime.deps.db, (id) => variantOf(experiment.key, id) === "treatment" && inCanary(canary.id, id, 50));
    app.upstream.reset({ failStatus: 500 });
    for (let i = 0; i < 3; i++) expect(await chatMeta(app, user.key, experiment.key)).toMatchObject({ prompt_version_id: canary.id });
    app.upstream.reset();

    const { log, lines } = captureLog();
    const runner = new GuardrailRunner({ ...app.runtime.deps, log }, { intervalMs: 60_000 });
    const before = await configVersion(experiment);
    const round = await runner.runOnce();
    expect(round.actions).toEqual([
      expect.objectContaining({ kind: "canary_rolled_back", experiment: experiment.key, variant: "treatment" }),
    ]);

    const audit = await app.runtime.deps.db.auditLog.findFirstOrThrow({ where: { experimentId: experiment.id, action: "canary.auto_rollback" } });
    expect(audit.actorId).toBeNull();
    expect(audit.reason).toBe("guardrail breach on canary: error_rate 1 > limit 0.2");
    expect(audit.after).toMatchObject({ canaryVersionId: null, figures: { candidate: { messages: 3, errors: 3 } } });
    const alert = lines.find((line) => line.event === "guardrail_breach")!;
    expect(alert).toMatchObject({ level: 50, action: "canary_rolled_back", experiment: experiment.key, variant: "treatment", config_version: before + 1 });
    expect(alert.findings).toEqual([expect.objectContaining({ metric: "error_rate", status: "breach", value: 1, limit: 0.2 })]);

    expect(await chatMeta(app, user.key, experiment.key)).toMatchObject({ prompt_version_id: experiment.treatment.activeVersionId, config_version: before + 1 });
    // Idempotent: the next round finds nothing to do.
    expect((await runner.runOnce()).actions).toEqual([]);
    expect(await app.runtime.deps.db.auditLog.count({ where: { experimentId: experiment.id, action: "canary.auto_rollback" } })).toBe(1);
  });

  it("rolls the canary back soon after feedback shows its approval falling behind, without waiting for the timer", async () => {
    const experiment = await createRunningExperiment(app.runtime.deps, { guardrails: { minFeedback: 2 } });
    const canary = await canaryOn(experiment, [
      { percent: 50, holdSeconds: 3_600 },
      { percent: 100, holdSeconds: 3_600 },
    ]);
    const db = app.runtime.deps.db;
    const inside = await createUserWhere(db, (id) => variantOf(experiment.key, id) === "treatment" && inCanary(canary.id, id, 50));
    const outside = await createUserWhere(db, (id) => variantOf(experiment.key, id) === "treatment" && !inCanary(canary.id, id, 50));
    const rate = async (user: { key: string }, rating: 1 | -1) => {
      const meta = await chatMeta(app, user.key, experiment.key);
      const response = await postJson(`${app.url}/feedback`, { message_id: meta.message_id, rating }, { "x-api-key": user.key });
      expect(response.status).toBe(200);
    };
    for (let i = 0; i < 2; i++) {
      await rate(outside, 1);
      await rate(inside, -1);
    }
    await expect
      .poll(async () => (await db.variant.findUniqueOrThrow({ where: { id: experiment.treatment.id } })).canaryVersionId, { timeout: 5_000, interval: 50 })
      .toBeNull();
    const audit = await db.auditLog.findFirstOrThrow({ where: { experimentId: experiment.id, action: "canary.auto_rollback" } });
    expect(audit.reason).toBe("guardrail breach on canary: approval_rate 0 < limit 0.9 (baseline 1)");
  });
});
