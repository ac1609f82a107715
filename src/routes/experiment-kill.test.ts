// The seed's kill switch endpoint, POST /experiments/{id}/kill, with curl's
// shape of request: by id or key, reason required, admin only, idempotent, and
// effective on the very next chat.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { chatMeta } from "../testing/chat-as.ts";
import { createRunningExperiment, createUserWhere, variantOf } from "../testing/experiment-fixtures.ts";
import { postJson } from "../testing/http-client.ts";
import { startTestApp, TEST_ADMIN_KEY, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";

describe.skipIf(!inject("servicesAvailable"))("POST /experiments/{id}/kill", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("kills by id: a treatment user gets control on the next chat; a second call changes nothing", async () => {
    const experiment = await createRunningExperiment(app.runtime.deps);
    const user = await createUserWhere(app.runtime.deps.db, (id) => variantOf(experiment.key, id) === "treatment");
    const before = await chatMeta(app, user.key, experiment.key);
    expect(before.variant).toBe("treatment");

    const response = await postJson(`${app.url}/experiments/${experiment.id}/kill`, { reason: "answers leak internal data" }, { "x-api-key": TEST_ADMIN_KEY });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({
      experiment_id: experiment.id,
      experiment_key: experiment.key,
      killed: true,
      changed: true,
      config_version: (before.config_version as number) + 1,
    });
    expect(await chatMeta(app, user.key, experiment.key)).toMatchObject({
      variant: "control",
      prompt_version_id: experiment.control.activeVersionId,
      config_version: body.config_version,
    });

    const again = await postJson(`${app.url}/experiments/${experiment.key}/kill`, { reason: "again" }, { "x-api-key": TEST_ADMIN_KEY });
    expect(await again.json()).toMatchObject({ changed: false, config_version: body.config_version });
    const audit = await app.runtime.deps.db.auditLog.findMany({ where: { experimentId: experiment.id, action: "experiment.kill" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ reason: "answers leak internal data", before: { killed: false }, after: { killed: true } });
  });

  it("needs an admin key and a reason, and answers 404 for an unknown experiment", async () => {
    const experiment = await createRunningExperiment(app.runtime.deps);
    const url = `${app.url}/experiments/${experiment.key}/kill`;
    expect((await postJson(url, { reason: "no key" })).status).toBe(401);
    const forbidden = await postJson(url, { reason: "not an admin" }, { "x-api-key": TEST_USER_KEY });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ error: { code: "forbidden", message: "This needs the admin role." } });
    const noReason = await postJson(url, {}, { "x-api-key": TEST_ADMIN_KEY });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { error: { fields: Record<string, string[]> } }).error.fields).toHaveProperty("reason");
    expect((await postJson(`${app.url}/experiments/no_such_experiment/kill`, { reason: "gone" }, { "x-api-key": TEST_ADMIN_KEY })).status).toBe(404);
    expect((await fetch(url, { headers: { "x-api-key": TEST_ADMIN_KEY } })).status).toBe(405);
    const row = await app.runtime.deps.db.experiment.findUniqueOrThrow({ where: { id: experiment.id } });
    expect(row).toMatchObject({ killedAt: null, version: 2 });
  });
});
