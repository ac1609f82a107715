// The seed README's three curl examples, run verbatim with curl against the
// real server (only the host and port differ), plus feedback ownership rules.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postJson } from "../testing/http-client.ts";
import { only, readSse } from "../testing/sse-client.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";
import { createUserWithKey } from "../testing/test-users.ts";

const run = promisify(execFile);

describe.skipIf(!inject("servicesAvailable"))("the seed's REST endpoints", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("works with the seed README's curl commands", async () => {
    const chat = await run("curl", [
      "-N", "-H", "x-api-key: test-key-123", "-H", "Content-Type: application/json",
      "-d", '{"message": "Tell me about transformers"}', `${app.url}/chat`,
    ]);
    expect(chat.stdout).toContain("event: meta");
    expect(chat.stdout).toContain("event: delta");
    expect(chat.stdout).toContain("event: done");
    const metaLine = chat.stdout.split("\n").find((line, i, lines) => lines[i - 1] === "event: meta")!;
    const meta = JSON.parse(metaLine.replace(/^data: /, "")) as { message_id: string; variant: string };

    const feedback = await run("curl", [
      "-H", "x-api-key: test-key-123", "-H", "Content-Type: application/json",
      "-d", `{"message_id": "${meta.message_id}", "rating": 1}`, `${app.url}/feedback`,
    ]);
    expect(JSON.parse(feedback.stdout)).toEqual({ message_id: meta.message_id, rating: 1, status: "created" });

    const stats = await run("curl", ["-H", "x-api-key: test-key-123", `${app.url}/feedback/stats`]);
    const body = JSON.parse(stats.stdout) as { experiments: Array<{ experiment_key: string; variants: Array<Record<string, unknown>> }> };
    const experiment = body.experiments.find((e) => e.experiment_key === "system_prompt_style")!;
    const variant = experiment.variants.find((v) => v.variant === meta.variant)!;
    expect(variant).toMatchObject({ messages: 1, users: 1, feedback_count: 1, thumbs_up: 1, thumbs_down: 0, approval_rate: 1 });
    const other = experiment.variants.find((v) => v.variant !== meta.variant)!;
    expect(other).toMatchObject({ messages: 0, feedback_count: 0, approval_rate: null, cost_usd: "0" });
  });

  it("makes re-rating idempotent and lets a user change a rating", async () => {
    const events = await readSse(await postJson(`${app.url}/chat`, { message: "rate me" }, { "x-api-key": TEST_USER_KEY }));
    const messageId = only(events, "meta").message_id as string;
    const rate = async (rating: number) =>
      (await (await postJson(`${app.url}/feedback`, { message_id: messageId, rating }, { "x-api-key": TEST_USER_KEY })).json()) as {
        status: string;
      };
    expect((await rate(1)).status).toBe("created");
    expect((await rate(1)).status).toBe("unchanged");
    expect((await rate(-1)).status).toBe("updated");
    const rows = await app.runtime.deps.db.feedback.findMany({ where: { messageId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.rating).toBe(-1);
  });

  it("answers 404, not 403, for another user's message, and 404 for user turns", async () => {
    const other = await createUserWithKey(app.runtime.deps.db);
    const events = await readSse(await postJson(`${app.url}/chat`, { message: "mine" }, { "x-api-key": TEST_USER_KEY }));
    const meta = only(events, "meta");
    const foreign = await postJson(`${app.url}/feedback`, { message_id: meta.message_id, rating: 1 }, { "x-api-key": other.key });
    expect(foreign.status).toBe(404);
    const missing = await postJson(
      `${app.url}/feedback`,
      { message_id: "00000000-0000-4000-8000-000000000000", rating: 1 },
      { "x-api-key": other.key },
    );
    expect(await foreign.text()).toBe(await missing.text());
    const userTurn = await postJson(`${app.url}/feedback`, { message_id: meta.user_message_id, rating: 1 }, { "x-api-key": TEST_USER_KEY });
    expect(userTurn.status).toBe(404);
    expect(await app.runtime.deps.db.feedback.count({ where: { messageId: meta.message_id as string } })).toBe(0);
  });

  it.each([
    [{ message_id: "not-a-uuid", rating: 1 }, "message_id"],
    [{ message_id: "00000000-0000-4000-8000-000000000000", rating: 5 }, "rating"],
    [{ message_id: "00000000-0000-4000-8000-000000000000", rating: 1, extra: true }, "extra"],
  ])("rejects a bad feedback body %j with 400 and field errors", async (body, field) => {
    const response = await postJson(`${app.url}/feedback`, body, { "x-api-key": TEST_USER_KEY });
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: { fields: Record<string, string[]> } };
    expect(Object.keys(json.error.fields)).toContain(field);
  });

  it("needs a key for feedback and stats, and answers 405 for the wrong method", async () => {
    expect((await fetch(`${app.url}/feedback/stats`)).status).toBe(401);
    expect((await postJson(`${app.url}/feedback`, { message_id: "x", rating: 1 })).status).toBe(401);
    expect((await fetch(`${app.url}/chat`)).status).toBe(405);
  });
});
