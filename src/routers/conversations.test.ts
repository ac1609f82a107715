import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postJson } from "../testing/http-client.ts";
import { only, readSse } from "../testing/sse-client.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";
import { callerFor } from "../testing/trpc-caller.ts";
import { createUserWithKey } from "../testing/test-users.ts";

describe.skipIf(!inject("servicesAvailable"))("conversations and experiments routers", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("lists a user's conversations and loads history with metrics and rating", async () => {
    const meta = only(await readSse(await postJson(`${app.url}/chat`, { message: "history please" }, { "x-api-key": TEST_USER_KEY })), "meta");
    const caller = callerFor(app.runtime.deps, TEST_USER_KEY);
    await caller.feedback.submit({ messageId: meta.message_id as string, rating: 1 });
    const list = await caller.conversations.list();
    expect(list.map((c) => c.id)).toContain(meta.conversation_id);
    const history = await caller.conversations.messages({ conversationId: meta.conversation_id as string });
    expect(history.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(history.messages[1]).toMatchObject({ status: "complete", tokensIn: 21, tokensOut: 5, rating: 1, variant: meta.variant, promptVersion: 1 });
    expect(typeof history.messages[1]!.costUsd).toBe("string");
  });

  it("shows nobody else's conversations", async () => {
    const meta = only(await readSse(await postJson(`${app.url}/chat`, { message: "secret" }, { "x-api-key": TEST_USER_KEY })), "meta");
    const other = callerFor(app.runtime.deps, (await createUserWithKey(app.runtime.deps.db)).key);
    expect(await other.conversations.list()).toEqual([]);
    await expect(other.conversations.messages({ conversationId: meta.conversation_id as string })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("lists the seeded experiment with its variants and active versions", async () => {
    const experiments = await callerFor(app.runtime.deps, TEST_USER_KEY).experiments.list();
    expect(experiments).toHaveLength(1);
    expect(experiments[0]).toMatchObject({ key: "system_prompt_style", status: "running" });
    expect(experiments[0]!.variants.map((v) => [v.key, v.allocation, v.isControl, v.activeVersion?.version])).toEqual([
      ["concise", 50, true, 1],
      ["detailed", 50, false, 1],
    ]);
  });
});
