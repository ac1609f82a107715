import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postJson } from "../testing/http-client.ts";
import { only, readSse } from "../testing/sse-client.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";
import { callerFor } from "../testing/trpc-caller.ts";
import { createUserWithKey } from "../testing/test-users.ts";

describe.skipIf(!inject("servicesAvailable"))("feedback router", () => {
  let app: TestApp;
  let messageId: string;
  let variant: string;
  beforeAll(async () => {
    app = await startTestApp();
    const meta = only(await readSse(await postJson(`${app.url}/chat`, { message: "hi" }, { "x-api-key": TEST_USER_KEY })), "meta");
    messageId = meta.message_id as string;
    variant = meta.variant as string;
  });
  afterAll(async () => {
    await app?.close();
  });

  it("submits and changes a rating, and stats count it under the variant", async () => {
    const caller = callerFor(app.runtime.deps, TEST_USER_KEY);
    expect(await caller.feedback.submit({ messageId, rating: -1 })).toEqual({ message_id: messageId, rating: -1, status: "created" });
    expect((await caller.feedback.submit({ messageId, rating: 1 })).status).toBe("updated");
    const stats = await caller.feedback.stats();
    const row = stats.find((e) => e.experiment_key === "system_prompt_style")!.variants.find((v) => v.variant === variant)!;
    expect(row).toMatchObject({ feedback_count: 1, thumbs_up: 1, thumbs_down: 0, approval_rate: 1, messages: 1 });
  });

  it("hides another user's message behind NOT_FOUND", async () => {
    const other = await createUserWithKey(app.runtime.deps.db);
    await expect(callerFor(app.runtime.deps, other.key).feedback.submit({ messageId, rating: 1 })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("rejects a bad rating over HTTP with 400 and field errors", async () => {
    const response = await postJson(`${app.url}/trpc/feedback.submit`, { messageId, rating: 3 }, { "x-api-key": TEST_USER_KEY });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { data: { appCode: string; fields: Record<string, string[]> } } };
    expect(body.error.data.appCode).toBe("invalid_request");
    expect(Object.keys(body.error.data.fields)).toEqual(["rating"]);
  });

  it("answers 401 over HTTP without a key, with no stack trace", async () => {
    const response = await fetch(`${app.url}/trpc/feedback.stats`);
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(text).not.toMatch(/at .*\.ts:\d+/);
    expect(JSON.parse(text).error.data.appCode).toBe("unauthorized");
  });
});
