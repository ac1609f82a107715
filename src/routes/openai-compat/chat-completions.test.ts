// The OpenAI-compatible gateway end to end, driven by the official `openai` SDK
// as an application would use it: real server, real PostgreSQL and Redis, and
// the production provider against a fake upstream speaking OpenAI's format.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { priceCall } from "../../../sidecar/pricing.ts";
import { SEED_PROMPTS } from "../../db/seed.ts";
import { bucketFor } from "../../services/assignment.ts";
import { startTestApp, TEST_ADMIN_KEY, type TestApp } from "../../testing/test-app.ts";
import { callerFor } from "../../testing/trpc-caller.ts";
import { createUserWithKey } from "../../testing/test-users.ts";

const EXPERIMENT = "system_prompt_style";
const MODEL = `promptlab/${EXPERIMENT}`;
const ANSWER = "Hello part1 part2 part3 part4";
const ask = (content: string) => [{ role: "user" as const, content }];
const expectedVariant = (unit: string) => (bucketFor(EXPERIMENT, unit) < 50 ? "concise" : "detailed");
const run = promisify(execFile);

/** The curl command in the README's gateway section, exactly as written there. */
function readmeCurlExample(): string {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## OpenAI-compatible gateway"));
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block?.startsWith("curl ")) throw new Error("the README's gateway section has no curl example");
  return block;
}

describe.skipIf(!inject("servicesAvailable"))("POST /v1/chat/completions through the OpenAI SDK", () => {
  let app: TestApp;
  let user: { id: string; key: string };
  let client: OpenAI;

  beforeAll(async () => {
    app = await startTestApp();
    user = await createUserWithKey(app.runtime.deps.db, { name: "Gateway App", rateLimitPerHour: 10_000 });
    client = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: user.key, maxRetries: 0 });
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => app.upstream.reset());

  it("answers a completion in OpenAI's shape and stores it with every metadata field", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: MODEL, messages: ask("Tell me about transformers"), user: "end-user-1" }, { headers: { "x-request-id": "gw-trace-1" } })
      .withResponse();
    const variant = expectedVariant("end-user-1");
    const messageId = response.headers.get("x-promptlab-message-id")!;

    expect(data).toEqual({
      id: `chatcmpl-${messageId}`,
      object: "chat.completion",
      created: data.created,
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: ANSWER, refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: 21, completion_tokens: 5, total_tokens: 26 },
    });
    expect(Math.abs(data.created - Date.now() / 1000)).toBeLessThan(60);
    expect(response.headers.get("x-request-id")).toBe("gw-trace-1");
    expect(response.headers.get("x-promptlab-experiment")).toBe(EXPERIMENT);
    expect(response.headers.get("x-promptlab-variant")).toBe(variant);
    expect(response.headers.get("x-promptlab-prompt-version")).toBe("1");
    expect(response.headers.get("x-ratelimit-limit")).toBe("10000");

    // The variant's prompt version supplied the system prompt, model and parameters.
    const sent = app.upstream.requests[0]!.body;
    expect(sent.messages).toEqual([
      { role: "system", content: SEED_PROMPTS[variant] },
      { role: "user", content: "Tell me about transformers" },
    ]);
    expect(sent).toMatchObject({ model: "gpt-4o-mini", temperature: 0.7, max_tokens: 512 });

    const db = app.runtime.deps.db;
    const version = await db.variant.findFirstOrThrow({ where: { key: variant, experiment: { key: EXPERIMENT } } });
    const stored = await db.message.findUniqueOrThrow({ where: { id: messageId }, include: { conversation: true } });
    expect(stored).toMatchObject({
      role: "assistant",
      content: ANSWER,
      status: "complete",
      provider: "openai",
      model: "gpt-4o-mini",
      tokensIn: 21,
      tokensOut: 5,
      estimateSource: "sidecar",
      experimentKey: EXPERIMENT,
      variant,
      promptVersionId: version.activeVersionId,
      traceId: "gw-trace-1",
      assignmentUnit: "end-user-1",
      errorCode: null,
    });
    expect(stored.preEstimatedTokens).toBeGreaterThan(10);
    expect(stored.costUsd?.toFixed(10)).toBe(priceCall("gpt-4o-mini", 21, 5)!.costUsd);
    expect(stored.conversation.userId).toBe(user.id);
    expect(response.headers.get("x-promptlab-conversation-id")).toBe(stored.conversationId);
  });

  it("streams chunks in OpenAI's framing, with a final usage chunk only when asked for", async () => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: MODEL, messages: ask("stream it"), stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    const id = `chatcmpl-${response.headers.get("x-promptlab-message-id")}`;
    expect(chunks.every((chunk) => chunk.id === id && chunk.object === "chat.completion.chunk")).toBe(true);
    expect(new Set(chunks.map((chunk) => chunk.created)).size).toBe(1);
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: "assistant", content: "" });
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe(ANSWER);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBe(5);
    expect(chunks.at(-2)!.choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 21, completion_tokens: 5, total_tokens: 26 } });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);

    const plain = await client.chat.completions.create({ model: MODEL, messages: ask("no usage"), stream: true });
    const plainChunks = [];
    for await (const chunk of plain) plainChunks.push(chunk);
    expect(plainChunks.some((chunk) => "usage" in chunk)).toBe(false);
    expect(plainChunks.at(-1)!.choices[0]!.finish_reason).toBe("stop");
  });

  it("ends the stream with data: [DONE]", async () => {
    const raw = await client.chat.completions.create({ model: MODEL, messages: ask("raw"), stream: true }).asResponse();
    const body = await raw.text();
    expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(body.split("data: [DONE]").length).toBe(2);
  });

  it("works with the SDK's stream helper: content events, finalChatCompletion() and usage", async () => {
    const stream = client.chat.completions.stream({ model: MODEL, messages: ask("helper"), stream_options: { include_usage: true } });
    const deltas: string[] = [];
    stream.on("content", (delta) => deltas.push(delta));
    const final = await stream.finalChatCompletion();
    expect(deltas.join("")).toBe(ANSWER);
    expect(final.choices[0]!.message).toMatchObject({ role: "assistant", content: ANSWER });
    expect(final.choices[0]!.finish_reason).toBe("stop");
    expect(final.usage).toEqual({ prompt_tokens: 21, completion_tokens: 5, total_tokens: 26 });
    expect(await stream.totalUsage()).toEqual({ prompt_tokens: 21, completion_tokens: 5, total_tokens: 26 });
  });

  it("keeps the same user in the same variant, and spreads different users over both arms of the 50/50", async () => {
    const variantOf = async (endUser?: string) => {
      const { response } = await client.chat.completions
        .create({ model: MODEL, messages: ask("which arm?"), ...(endUser ? { user: endUser } : {}) })
        .withResponse();
      return response.headers.get("x-promptlab-variant");
    };
    const repeated = await Promise.all(Array.from({ length: 6 }, () => variantOf("sticky-user")));
    expect(new Set(repeated)).toEqual(new Set([expectedVariant("sticky-user")]));

    const users = Array.from({ length: 40 }, (_, i) => `end-user-${i}`);
    const variants = await Promise.all(users.map((endUser) => variantOf(endUser)));
    expect(variants).toEqual(users.map(expectedVariant));
    const concise = variants.filter((v) => v === "concise").length;
    expect(concise).toBeGreaterThan(0);
    expect(concise).toBeLessThan(users.length);

    // Without `user`, the key's own user is the unit.
    expect(await variantOf()).toBe(expectedVariant(user.id));
  });

  it("counts feedback on the returned message id in feedback.stats, and end users as users", async () => {
    const caller = callerFor(app.runtime.deps, user.key);
    const before = (await caller.feedback.stats()).find((e) => e.experiment_key === EXPERIMENT)!;
    const endUsers = ["stats-a", "stats-b", "stats-c"].filter((u) => expectedVariant(u) === expectedVariant("stats-a"));
    const ids: string[] = [];
    for (const endUser of endUsers) {
      const { response } = await client.chat.completions.create({ model: MODEL, messages: ask("rate me"), user: endUser }).withResponse();
      ids.push(response.headers.get("x-promptlab-message-id")!);
    }
    const variant = expectedVariant("stats-a");
    expect(await caller.feedback.submit({ messageId: ids[0]!, rating: 1 })).toMatchObject({ status: "created" });

    const after = (await caller.feedback.stats()).find((e) => e.experiment_key === EXPERIMENT)!;
    const was = before.variants.find((v) => v.variant === variant)!;
    const now = after.variants.find((v) => v.variant === variant)!;
    expect(now.messages - was.messages).toBe(endUsers.length);
    expect(now.users - was.users).toBe(endUsers.length);
    expect(now.feedback_count - was.feedback_count).toBe(1);
    expect(now.thumbs_up - was.thumbs_up).toBe(1);
  });

  it("passes a plain provider model straight through, still stored, rate-limited and costed", async () => {
    const messages = [
      { role: "system" as const, content: "You are the app's own assistant." },
      { role: "user" as const, content: "first" },
      { role: "assistant" as const, content: "an earlier answer" },
      { role: "user" as const, content: "second" },
    ];
    const { data, response } = await client.chat.completions
      .create({ model: "gpt-4o", messages, temperature: 0.2, max_tokens: 300, stop: ["\n\n"], seed: 7, user: "pt-user" })
      .withResponse();
    expect(data.model).toBe("gpt-4o");
    expect(data.choices[0]!.message.content).toBe(ANSWER);
    expect(response.headers.get("x-promptlab-experiment")).toBeNull();
    expect(response.headers.get("x-promptlab-variant")).toBeNull();
    expect(Number(response.headers.get("x-ratelimit-remaining"))).toBeLessThan(10_000);

    const sent = app.upstream.requests[0]!.body as Record<string, unknown>;
    expect(sent).toMatchObject({ model: "gpt-4o", messages, temperature: 0.2, max_tokens: 300, stop: ["\n\n"], seed: 7 });

    const db = app.runtime.deps.db;
    const stored = await db.message.findUniqueOrThrow({ where: { id: response.headers.get("x-promptlab-message-id")! } });
    expect(stored).toMatchObject({ model: "gpt-4o", experimentKey: null, variant: null, promptVersionId: null, status: "complete", assignmentUnit: "pt-user" });
    expect(stored.costUsd?.toFixed(10)).toBe(priceCall("gpt-4o", 21, 5)!.costUsd);
    // The conversation holds exactly what the caller sent, in order, then the answer.
    const turns = await db.message.findMany({ where: { conversationId: stored.conversationId }, orderBy: { createdAt: "asc" } });
    expect(turns.map((t) => [t.role, t.content])).toEqual([...messages.map((m) => [m.role, m.content]), ["assistant", ANSWER]]);
  });

  it("replaces the caller's system message by default, and prepends once an admin sets the policy", async () => {
    const messages = [
      { role: "system" as const, content: "APP SYSTEM PROMPT" },
      { role: "user" as const, content: "policy?" },
    ];
    const variant = expectedVariant("policy-user");
    await client.chat.completions.create({ model: MODEL, messages, user: "policy-user" });
    expect(app.upstream.requests[0]!.body.messages).toEqual([
      { role: "system", content: SEED_PROMPTS[variant] },
      { role: "user", content: "policy?" },
    ]);

    const admin = callerFor(app.runtime.deps, TEST_ADMIN_KEY);
    const experiment = (await admin.experiments.list()).find((e) => e.key === EXPERIMENT)!;
    expect(experiment.systemMessagePolicy).toBe("replace");
    const changed = await admin.experiments.setSystemMessagePolicy({
      experimentId: experiment.id,
      expectedVersion: experiment.version,
      policy: "prepend",
      reason: "the app puts retrieved documents in its system message",
    });
    expect(changed).toMatchObject({ changed: true, version: experiment.version + 1 });
    try {
      app.upstream.reset();
      await client.chat.completions.create({ model: MODEL, messages, user: "policy-user" });
      expect(app.upstream.requests[0]!.body.messages).toEqual([
        { role: "system", content: SEED_PROMPTS[variant] },
        { role: "system", content: "APP SYSTEM PROMPT" },
        { role: "user", content: "policy?" },
      ]);
      const audit = await app.runtime.deps.db.auditLog.findUniqueOrThrow({ where: { id: changed.auditId! } });
      expect(audit).toMatchObject({ action: "experiment.system_message_policy", after: { systemMessagePolicy: "prepend" } });
    } finally {
      await admin.experiments.setSystemMessagePolicy({ experimentId: experiment.id, expectedVersion: changed.version, policy: "replace" });
    }
  });

  it("reads the same experiment config cache as /chat, so the kill switch applies at once", async () => {
    const treated = Array.from({ length: 50 }, (_, i) => `kill-${i}`).find((u) => expectedVariant(u) === "detailed")!;
    const variantFor = async () =>
      (await client.chat.completions.create({ model: MODEL, messages: ask("killed?"), user: treated }).withResponse()).response.headers.get(
        "x-promptlab-variant",
      );
    expect(await variantFor()).toBe("detailed");
    const { db, experiments } = app.runtime.deps;
    await db.experiment.update({ where: { key: EXPERIMENT }, data: { killedAt: new Date() } });
    await experiments.announceChange(EXPERIMENT);
    try {
      expect(await variantFor()).toBe("concise");
    } finally {
      await db.experiment.update({ where: { key: EXPERIMENT }, data: { killedAt: null } });
      await experiments.announceChange(EXPERIMENT);
    }
    expect(await variantFor()).toBe("detailed");
  });

  it("aborts the upstream when the client disconnects and stores the partial answer as incomplete", async () => {
    app.upstream.reset({ chunks: 50, delayBetweenMs: 100 });
    const controller = new AbortController();
    const { data: stream, response } = await client.chat.completions
      .create({ model: MODEL, messages: ask("long answer"), stream: true }, { signal: controller.signal })
      .withResponse();
    const messageId = response.headers.get("x-promptlab-message-id")!;
    let received = "";
    let abortedAt = 0;
    for await (const chunk of stream) {
      received += chunk.choices[0]?.delta.content ?? "";
      if (received.startsWith("Hello part1 part2")) {
        abortedAt = Date.now();
        controller.abort();
      }
    }
    const upstreamRequest = app.upstream.requests[0]!;
    expect(await upstreamRequest.aborted).toBe(true);
    expect(upstreamRequest.abortedAt! - abortedAt).toBeLessThan(1_000);

    const db = app.runtime.deps.db;
    let stored = await db.message.findUnique({ where: { id: messageId } });
    for (let i = 0; !stored && i < 100; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stored = await db.message.findUnique({ where: { id: messageId } });
    }
    expect(stored).toMatchObject({ status: "incomplete", experimentKey: EXPERIMENT });
    expect(stored!.content.startsWith("Hello part1 part2")).toBe(true);
    expect(stored!.content.length).toBeLessThan("Hello".length + 49 * " partNN".length);
    expect(stored!.tokensOut).toBeGreaterThan(0);
    expect(stored!.costUsd).not.toBeNull();
  });

  it("lists every experiment as promptlab/<key> plus the default model", async () => {
    const models = await client.models.list();
    expect(models.data).toEqual([
      { id: MODEL, object: "model", created: expect.any(Number), owned_by: "promptlab" },
      { id: "gpt-4o-mini", object: "model", created: 0, owned_by: "openai" },
    ]);
  });

  it("answers the README's curl example, streaming and not", async () => {
    const command = readmeCurlExample().replaceAll("http://localhost:8000", app.url);
    const { stdout } = await run("bash", ["-c", command]);
    const completion = JSON.parse(stdout) as OpenAI.ChatCompletion;
    expect(completion).toMatchObject({ object: "chat.completion", choices: [{ message: { content: ANSWER } }] });

    const streaming = command.replace("curl ", "curl -N ").replace(`-d '{`, `-d '{"stream": true, `);
    const streamed = await run("bash", ["-c", streaming]);
    expect(streamed.stdout).toContain('"object":"chat.completion.chunk"');
    expect(streamed.stdout.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("accepts the key in x-api-key too", async () => {
    const viaHeader = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: "not-a-key", defaultHeaders: { "x-api-key": user.key }, maxRetries: 0 });
    const completion = await viaHeader.chat.completions.create({ model: MODEL, messages: ask("x-api-key") });
    expect(completion.choices[0]!.message.content).toBe(ANSWER);
  });
});
