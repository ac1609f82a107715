// The admin procedures as the screens use them: create an experiment, read the
// list and the detail (live numbers, canary, guardrails), version a prompt,
// diff, publish, chat, trace the answer back to its exact prompt, roll back,
// and search the audit log. Errors come back with the HTTP status the screens
// rely on (400 with fields, 409 for a stale version).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { chatMeta } from "../../testing/chat-as.ts";
import { createUserWhere, variantOf } from "../../testing/experiment-fixtures.ts";
import { postJson } from "../../testing/http-client.ts";
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from "../../testing/test-app.ts";
import { callerFor } from "../../testing/trpc-caller.ts";

const KEY = "admin_flow";

describe.skipIf(!inject("servicesAvailable"))("admin procedures", () => {
  let app: TestApp;
  let admin: ReturnType<typeof callerFor>;
  let experimentId: string;
  beforeAll(async () => {
    app = await startTestApp();
    admin = callerFor(app.runtime.deps, TEST_ADMIN_KEY);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("creates and starts an experiment, which the list and the detail then show", async () => {
    const created = await admin.admin.experiments.create({
      key: KEY,
      name: "Admin flow",
      description: "through the procedures",
      variants: [
        { key: "control", allocation: 70, isControl: true, prompt: { systemPrompt: "Control line one.\nControl line two.", model: "gpt-4o-mini", parameters: { temperature: 0.3 } } },
        { key: "bold", allocation: 30, prompt: { systemPrompt: "Be bold.", model: "gpt-4o-mini" } },
      ],
      guardrails: { minFeedback: 50 },
    });
    experimentId = created.id;
    const started = await admin.admin.experiments.start({ experimentId, expectedVersion: created.version });
    expect(started).toMatchObject({ changed: true, version: 2, result: { status: "running" } });

    const list = await admin.admin.experiments.list();
    expect(list.find((e) => e.key === KEY)).toMatchObject({
      status: "running",
      killed: false,
      version: 2,
      variants: [
        { key: "control", allocation: 70, isControl: true, activeVersion: { version: 1 }, canary: null },
        { key: "bold", allocation: 30, isControl: false, activeVersion: { version: 1 }, canary: null },
      ],
    });
    const detail = await admin.admin.experiments.get({ experimentId });
    expect(detail.guardrails).toEqual({
      settings: { minFeedback: 50 },
      effective: { maxApprovalDrop: 0.1, minFeedback: 50, maxErrorRate: 0.05, maxP95LatencyMs: 20_000, minMessages: 50 },
    });
    expect(detail.variants[1]!.guardrails.vsControl!.verdict.findings.map((f) => f.status)).toEqual([
      "insufficient_data",
      "insufficient_data",
      "insufficient_data",
    ]);
  });

  it("versions, diffs and publishes a prompt; the answer traces back to its exact prompt; rollback restores it", async () => {
    const detail = await admin.admin.experiments.get({ experimentId });
    const control = detail.variants.find((v) => v.key === "control")!;
    const v2 = await admin.admin.prompts.createVersion({
      variantId: control.id,
      systemPrompt: "Control line one.\nControl line 2, reworded.",
      model: "gpt-4o",
      parameters: { temperature: 0.3, max_tokens: 128 },
      note: "reword line two",
    });
    const diff = await admin.admin.prompts.diff({ fromVersionId: control.activeVersion!.id, toVersionId: v2.id });
    expect(diff.systemPrompt).toMatchObject({ added: 1, removed: 1 });
    expect(diff.model).toEqual({ from: "gpt-4o-mini", to: "gpt-4o", changed: true });

    const published = await admin.admin.prompts.publish({ versionId: v2.id, expectedVersion: detail.version, reason: "clearer" });
    const user = await createUserWhere(app.runtime.deps.db, (id) => variantOf(KEY, id) === "control");
    const meta = await chatMeta(app, user.key, KEY, "What is a transformer?");
    expect(meta).toMatchObject({ variant: "control", prompt_version_id: v2.id, model: "gpt-4o", config_version: published.version });

    const provenance = await admin.admin.prompts.provenance({ messageId: meta.message_id as string });
    expect(provenance.promptVersion).toMatchObject({
      id: v2.id,
      version: 2,
      systemPrompt: "Control line one.\nControl line 2, reworded.",
      model: "gpt-4o",
      parameters: { temperature: 0.3, max_tokens: 128 },
      note: "reword line two",
      variant: { key: "control" },
      experiment: { key: KEY },
    });
    expect(provenance.sentParameters).toEqual({ temperature: 0.3, maxTokens: 128 });
    expect(provenance.turns).toEqual([
      { role: "system", content: "Control line one.\nControl line 2, reworded." },
      { role: "user", content: "What is a transformer?" },
    ]);
    // The rebuilt turns are exactly what the upstream received.
    expect(app.upstream.requests.at(-1)!.body.messages).toEqual(provenance.turns);

    const versions = await admin.admin.prompts.versions({ variantId: control.id });
    expect(versions.map((v) => [v.version, v.isActive, v.messages])).toEqual([
      [2, true, 2],
      [1, false, 0],
    ]);
    const rolled = await admin.admin.prompts.rollback({ versionId: control.activeVersion!.id, expectedVersion: published.version, reason: "model too slow" });
    expect(await chatMeta(app, user.key, KEY)).toMatchObject({ prompt_version_id: control.activeVersion!.id, model: "gpt-4o-mini", config_version: rolled.version });
  });

  it("searches the audit log by experiment, by action prefix, page by page", async () => {
    const all = await admin.admin.audit.search({ experimentKey: KEY });
    expect(all.entries.map((e) => e.action)).toEqual(["prompt.rollback", "prompt.publish", "prompt.create_version", "experiment.start", "experiment.create"]);
    expect(all.entries[0]).toMatchObject({ actor: { name: "Admin" }, reason: "model too slow", experimentKey: KEY, entityType: "variant" });
    const byId = await admin.admin.audit.search({ experimentId, action: "prompt." });
    expect(byId.entries.map((e) => e.action)).toEqual(["prompt.rollback", "prompt.publish", "prompt.create_version"]);
    const page1 = await admin.admin.audit.search({ experimentId, limit: 2 });
    const page2 = await admin.admin.audit.search({ experimentId, limit: 2, cursor: page1.nextCursor! });
    const page3 = await admin.admin.audit.search({ experimentId, limit: 2, cursor: page2.nextCursor! });
    expect([...page1.entries, ...page2.entries, ...page3.entries].map((e) => e.id)).toEqual(all.entries.map((e) => e.id));
    expect(page3.nextCursor).toBeNull();
  });

  it("answers 409 over HTTP for a stale version and 400 with fields for a missing reason", async () => {
    const detail = await admin.admin.experiments.get({ experimentId });
    const headers = { "x-api-key": TEST_ADMIN_KEY };
    const stale = await postJson(`${app.url}/trpc/admin.experiments.resume`, { experimentId, expectedVersion: detail.version - 1 }, headers);
    expect(stale.status).toBe(409);
    const body = (await stale.json()) as { error: { message: string; data: { appCode: string } } };
    expect(body.error.data.appCode).toBe("conflict");
    expect(body.error.message).toContain(`it is now version ${detail.version}`);
    const noReason = await postJson(`${app.url}/trpc/admin.experiments.pause`, { experimentId }, headers);
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { error: { data: { fields: Record<string, string[]> } } }).error.data.fields).toHaveProperty("reason");
  });
});
