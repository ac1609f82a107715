// The guardrail runner on the real database and Redis: a treatment whose
// approval falls behind control's pauses its experiment with an audit row
// carrying the figures and an alert; the round runs on one instance at a time
// (the Redis lock) and repeating it changes nothing. Also the SQL figures.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { captureLog } from "../testing/capture-log.ts";
import { chatMeta } from "../testing/chat-as.ts";
import { createRunningExperiment, createUserWhere, variantOf } from "../testing/experiment-fixtures.ts";
import { startTestApp, type TestApp } from "../testing/test-app.ts";
import { promptVersionFigures } from "./guardrail-metrics.ts";
import { GUARDRAIL_LOCK_KEY, GuardrailRunner } from "./guardrail-runner.ts";

describe.skipIf(!inject("servicesAvailable"))("guardrail runner", () => {
  let app: TestApp;
  beforeAll(async () => {
    // The timer's rounds are pushed out of the way; the tests run rounds themselves.
    app = await startTestApp({ env: { GUARDRAIL_INTERVAL_MS: "3600000" } });
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Chats once per rating and stores the rating straight in the database (so no feedback-triggered round runs). */
  async function ratedAnswers(user: { id: string; key: string }, experimentKey: string, ratings: Array<1 | -1>) {
    for (const rating of ratings) {
      const meta = await chatMeta(app, user.key, experimentKey);
      await app.runtime.deps.db.feedback.create({ data: { messageId: meta.message_id as string, userId: user.id, rating } });
    }
  }

  it("pauses an experiment whose treatment approval falls behind control's, once, on one instance", async () => {
    const deps = app.runtime.deps;
    const experiment = await createRunningExperiment(deps, { guardrails: { minFeedback: 4, maxApprovalDrop: 0.1 } });
    const controlUser = await createUserWhere(deps.db, (id) => variantOf(experiment.key, id) === "control");
    const treatmentUser = await createUserWhere(deps.db, (id) => variantOf(experiment.key, id) === "treatment");
    await ratedAnswers(controlUser, experiment.key, [1, 1, 1, 1]);
    await ratedAnswers(treatmentUser, experiment.key, [1, 1, 1, -1]);

    const first = captureLog();
    const second = captureLog();
    const runnerA = new GuardrailRunner({ ...deps, log: first.log }, { intervalMs: 60_000 });
    const runnerB = new GuardrailRunner({ ...deps, log: second.log }, { intervalMs: 60_000 });

    // Another instance holds the lock: this one skips the round and changes nothing.
    await deps.store.set(GUARDRAIL_LOCK_KEY, "another-instance", 30);
    expect(await runnerA.runOnce()).toEqual({ ran: false, actions: [] });
    expect((await deps.db.experiment.findUniqueOrThrow({ where: { id: experiment.id } })).status).toBe("running");
    await deps.store.delete(GUARDRAIL_LOCK_KEY);

    // Two instances at once: one runs the round, the other skips it.
    const rounds = await Promise.all([runnerA.runOnce(), runnerB.runOnce()]);
    expect(rounds.filter((round) => round.ran)).toHaveLength(1);
    const acted = rounds.flatMap((round) => round.actions);
    expect(acted).toEqual([expect.objectContaining({ kind: "experiment_paused", experiment: experiment.key })]);
    expect(await deps.store.get(GUARDRAIL_LOCK_KEY)).toBeNull();

    const row = await deps.db.experiment.findUniqueOrThrow({ where: { id: experiment.id } });
    expect(row.status).toBe("paused");
    const audit = await deps.db.auditLog.findMany({ where: { experimentId: experiment.id, action: "guardrail.pause" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: null,
      reason: "guardrail breach: treatment: approval_rate 0.75 < limit 0.9 (baseline 1)",
      before: { status: "running" },
      after: {
        status: "paused",
        figures: {
          baseline: { feedback: 4, thumbsUp: 4 },
          breaches: [{ variant: "treatment", candidate: { feedback: 4, thumbsUp: 3 } }],
        },
      },
    });
    const alert = [...first.lines, ...second.lines].filter((line) => line.event === "guardrail_breach");
    expect(alert).toHaveLength(1);
    expect(alert[0]).toMatchObject({ level: 50, action: "experiment_paused", experiment: experiment.key, variant: "treatment", config_version: row.version });

    // Paused: the treatment user is served control, and another round does nothing more.
    expect(await chatMeta(app, treatmentUser.key, experiment.key)).toMatchObject({ variant: "control", config_version: row.version });
    expect((await runnerA.runOnce()).actions.filter((a) => a.experiment === experiment.key)).toEqual([]);
    expect(await deps.db.auditLog.count({ where: { experimentId: experiment.id, action: "guardrail.pause" } })).toBe(1);
  });

  it("judges approval only once both arms have the minimum sample", async () => {
    const deps = app.runtime.deps;
    const experiment = await createRunningExperiment(deps, { guardrails: { minFeedback: 6, maxApprovalDrop: 0.3 } });
    const controlUser = await createUserWhere(deps.db, (id) => variantOf(experiment.key, id) === "control");
    const treatmentUser = await createUserWhere(deps.db, (id) => variantOf(experiment.key, id) === "treatment");
    await ratedAnswers(treatmentUser, experiment.key, [1, 1, -1, -1, -1, -1]); // 0.33, far below 0.7 of control's 1.0
    await ratedAnswers(controlUser, experiment.key, [1, 1, 1, 1, 1]);
    const runner = new GuardrailRunner(deps, { intervalMs: 60_000 });
    await runner.runOnce();
    const status = async () => (await deps.db.experiment.findUniqueOrThrow({ where: { id: experiment.id } })).status;
    expect(await status()).toBe("running"); // control has 5 of the 6 ratings needed
    await ratedAnswers(controlUser, experiment.key, [1]);
    await runner.runOnce();
    expect(await status()).toBe("paused");
  });

  it("reads a prompt version's answers, failures, ratings and p95 latency from SQL", async () => {
    const deps = app.runtime.deps;
    const experiment = await createRunningExperiment(deps);
    const user = await createUserWhere(deps.db, () => true);
    const conversation = await deps.db.conversation.create({ data: { userId: user.id } });
    const versionId = experiment.treatment.activeVersionId;
    const since = new Date();
    for (let i = 1; i <= 20; i++) {
      const message = await deps.db.message.create({
        data: {
          conversationId: conversation.id,
          role: "assistant",
          content: "x",
          status: i <= 2 ? "error" : "complete",
          latencyMs: i * 100,
          promptVersionId: versionId,
          experimentKey: experiment.key,
          variant: "treatment",
        },
      });
      if (i <= 5) await deps.db.feedback.create({ data: { messageId: message.id, userId: user.id, rating: i <= 3 ? 1 : -1 } });
    }
    // A user turn and an older answer are not counted.
    await deps.db.message.create({ data: { conversationId: conversation.id, role: "user", content: "q", promptVersionId: versionId } });
    const figures = await promptVersionFigures(deps.db, versionId, since);
    // Completed latencies are 300..2000 ms: the 95th percentile (linear interpolation) is 1915.
    expect(figures).toEqual({ messages: 20, errors: 2, feedback: 5, thumbsUp: 3, p95LatencyMs: 1915 });
    expect(await promptVersionFigures(deps.db, versionId, new Date(Date.now() + 60_000))).toEqual({
      messages: 0,
      errors: 0,
      feedback: 0,
      thumbsUp: 0,
      p95LatencyMs: null,
    });
  });
});
