// POST /chat end to end: real server, real PostgreSQL and Redis, the production
// OpenAI provider against a fake upstream that speaks OpenAI's wire format.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { IdleHeartbeat } from "../http/idle-heartbeat.ts";
import { priceCall } from "../../sidecar/pricing.ts";
import { SEED_PROMPTS } from "../db/seed.ts";
import { bucketFor } from "../services/assignment.ts";
import { postJson } from "../testing/http-client.ts";
import { eventsNamed, only, readSse } from "../testing/sse-client.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";
import { createUserWithKey } from "../testing/test-users.ts";

const auth = { "x-api-key": TEST_USER_KEY };

describe.skipIf(!inject("servicesAvailable"))("POST /chat", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => app.upstream.reset());

  it("streams meta, the estimate, several deltas and done, and stores every metadata field", async () => {
    const response = await postJson(`${app.url}/chat`, { message: "Tell me about transformers" }, { ...auth, "x-request-id": "trace-e2e-1" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("x-request-id")).toBe("trace-e2e-1");
    expect(response.headers.get("x-ratelimit-limit")).toBe("100");
    const events = await readSse(response);

    // The estimate rides with the first event after the sidecar answers: a delta, or done at the latest.
    const names = events.map((e) => e.event);
    expect(names.filter((name) => name !== "estimate")).toEqual(["meta", "delta", "delta", "delta", "delta", "delta", "done"]);
    expect(names.indexOf("estimate")).toBeGreaterThan(0);
    expect(names.indexOf("estimate")).toBeLessThan(names.indexOf("done"));
    expect(events.map((e) => e.id)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
    const meta = only(events, "meta");
    const estimate = only(events, "estimate");
    const done = only(events, "done");
    const text = eventsNamed(events, "delta").map((e) => e.data.text).join("");
    expect(text).toBe("Hello part1 part2 part3 part4");

    const db = app.runtime.deps.db;
    const user = await db.user.findFirstOrThrow({ where: { name: "Test User" } });
    const expectedVariant = bucketFor("system_prompt_style", user.id) < 50 ? "concise" : "detailed";
    const variant = await db.variant.findFirstOrThrow({
      where: { key: expectedVariant, experiment: { key: "system_prompt_style" } },
      include: { activeVersion: true },
    });
    expect(meta).toMatchObject({
      experiment: "system_prompt_style",
      variant: expectedVariant,
      prompt_version_id: variant.activeVersionId,
      prompt_version: 1,
      config_version: 1,
      trace_id: "trace-e2e-1",
      provider: "openai",
      model: "gpt-4o-mini",
    });
    expect(meta).not.toHaveProperty("pre_estimated_tokens");
    expect(estimate.estimate_source).toBe("sidecar");
    expect(estimate.pre_estimated_tokens).toBeGreaterThan(10);

    // The upstream got the variant's system prompt, model and parameters, and was asked for usage.
    const sent = app.upstream.requests[0]!.body;
    expect(sent.model).toBe("gpt-4o-mini");
    expect(sent.messages[0]).toEqual({ role: "system", content: SEED_PROMPTS[expectedVariant] });
    expect(sent.messages.at(-1)).toEqual({ role: "user", content: "Tell me about transformers" });
    expect(sent.stream_options).toEqual({ include_usage: true });
    expect(sent.temperature).toBe(0.7);
    expect(sent.max_tokens).toBe(512);

    const stored = await db.message.findUniqueOrThrow({ where: { id: meta.message_id as string } });
    const expectedCost = priceCall("gpt-4o-mini", 21, 5)!.costUsd;
    expect(stored).toMatchObject({
      conversationId: meta.conversation_id,
      role: "assistant",
      content: text,
      status: "complete",
      provider: "openai",
      model: "gpt-4o-mini",
      fallback: false,
      tokensIn: 21,
      tokensOut: 5,
      preEstimatedTokens: estimate.pre_estimated_tokens,
      estimateSource: "sidecar",
      experimentKey: "system_prompt_style",
      variant: expectedVariant,
      promptVersionId: variant.activeVersionId,
      traceId: "trace-e2e-1",
      errorCode: null,
    });
    expect(stored.costUsd?.toFixed(10)).toBe(expectedCost);
    expect(stored.latencyMs).toBe(done.latency_ms);
    expect(stored.timeToFirstTokenMs).toBe(done.time_to_first_token_ms);
    expect(stored.timeToFirstTokenMs!).toBeLessThanOrEqual(stored.latencyMs!);
    expect(done).toMatchObject({ tokens_in: 21, tokens_out: 5, total_tokens: 26, cost_usd: expectedCost, usage_source: "provider" });

    const userMessage = await db.message.findUniqueOrThrow({ where: { id: meta.user_message_id as string } });
    expect(userMessage).toMatchObject({ role: "user", content: "Tell me about transformers", traceId: "trace-e2e-1" });
  });

  it("continues a conversation with its history", async () => {
    const first = await readSse(await postJson(`${app.url}/chat`, { message: "first question" }, auth));
    const conversationId = only(first, "meta").conversation_id as string;
    const second = await readSse(
      await postJson(`${app.url}/chat`, { message: "second question", conversation_id: conversationId }, auth),
    );
    expect(only(second, "meta").conversation_id).toBe(conversationId);
    const sent = app.upstream.requests[1]!.body.messages;
    expect(sent.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(sent[1]!.content).toBe("first question");
    expect(sent[2]!.content).toBe("Hello part1 part2 part3 part4");
  });

  it("does not let a user continue someone else's conversation", async () => {
    const other = await createUserWithKey(app.runtime.deps.db);
    const mine = await readSse(await postJson(`${app.url}/chat`, { message: "private" }, auth));
    const response = await postJson(
      `${app.url}/chat`,
      { message: "peek", conversation_id: only(mine, "meta").conversation_id },
      { "x-api-key": other.key },
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: "No such conversation." } });
  });

  it("counts tokens with the tokenizer when the provider reports no usage", async () => {
    app.upstream.reset({ reportUsage: false });
    const events = await readSse(await postJson(`${app.url}/chat`, { message: "no usage please" }, auth));
    const done = only(events, "done");
    expect(done.usage_source).toBe("tokenizer");
    expect(done.tokens_in).toBe(only(events, "estimate").pre_estimated_tokens);
    // "Hello part1 part2 part3 part4" in o200k_base: Hello, ' part', '1', ' part', '2', ...
    expect(done.tokens_out).toBe(9);
  });

  it("rejects missing, malformed and unknown keys with the same 401 body", async () => {
    const bodies = [];
    const attempts: Array<Record<string, string>> = [{}, { "x-api-key": "short" }, { "x-api-key": "pl_unknown_key_that_does_not_exist" }];
    for (const headers of attempts) {
      const response = await postJson(`${app.url}/chat`, { message: "hi" }, headers);
      expect(response.status).toBe(401);
      bodies.push(await response.text());
    }
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!)).toEqual({
      error: { code: "unauthorized", message: "A valid API key is required in the x-api-key header." },
    });
  });

  it.each([
    ["a number message", { message: 42 }, "message"],
    ["an empty message", { message: "   " }, "message"],
    ["a 1 MB message", { message: "x".repeat(1_000_000) }, "message"],
    ["an unknown field", { message: "hi", temperature: 2 }, "temperature"],
    ["a bad conversation id", { message: "hi", conversation_id: "nope" }, "conversation_id"],
    ["a missing message", {}, "message"],
  ])("answers 400 with field errors for %s", async (_name, body, field) => {
    const response = await postJson(`${app.url}/chat`, body, auth);
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: { code: string; fields: Record<string, string[]> } };
    expect(json.error.code).toBe("invalid_request");
    expect(Object.keys(json.error.fields)).toContain(field);
    expect(app.upstream.requests).toHaveLength(0);
  });

  it("answers 400 for malformed JSON and 413 for an oversized body", async () => {
    const malformed = await postJson(`${app.url}/chat`, "{not json", auth);
    expect(malformed.status).toBe(400);
    const huge = await postJson(`${app.url}/chat`, { message: "x".repeat(3_000_000) }, auth);
    expect(huge.status).toBe(413);
  });

  it("falls back to a local estimate when the sidecar is down, and still answers", async () => {
    const local = await startTestApp();
    try {
      await local.stopSidecar();
      const events = await readSse(await postJson(`${local.url}/chat`, { message: "sidecar is gone" }, auth));
      const meta = only(events, "meta");
      const estimate = only(events, "estimate");
      expect(estimate.estimate_source).toBe("fallback");
      expect(estimate.pre_estimated_tokens).toBeGreaterThan(0);
      expect(only(events, "done").status).toBe("complete");
      const stored = await local.runtime.deps.db.message.findUniqueOrThrow({ where: { id: meta.message_id as string } });
      expect(stored.estimateSource).toBe("fallback");
      expect(stored.costUsd?.toFixed(10)).toBe(priceCall("gpt-4o-mini", 21, 5)!.costUsd);
    } finally {
      await local.close();
    }
  });

  it("aborts the upstream when the client disconnects and keeps the partial answer as incomplete", async () => {
    app.upstream.reset({ chunks: 50, delayBetweenMs: 100 });
    const controller = new AbortController();
    const response = await postJson(`${app.url}/chat`, { message: "long answer" }, auth, controller.signal);
    let messageId = "";
    let deltas = 0;
    let abortedAt = 0;
    await readSse(response, (event) => {
      if (event.event === "meta") messageId = event.data.message_id as string;
      if (event.event === "delta" && ++deltas === 3) {
        abortedAt = Date.now();
        controller.abort();
      }
    }).catch(() => {});
    const upstreamRequest = app.upstream.requests[0]!;
    expect(await upstreamRequest.aborted).toBe(true);
    expect(upstreamRequest.abortedAt! - abortedAt).toBeLessThan(100);

    const db = app.runtime.deps.db;
    let stored = await db.message.findUnique({ where: { id: messageId } });
    for (let i = 0; !stored && i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stored = await db.message.findUnique({ where: { id: messageId } });
    }
    expect(stored).toMatchObject({ status: "incomplete", provider: "openai" });
    expect(stored!.content.startsWith("Hello part1 part2")).toBe(true);
    expect(stored!.tokensOut).toBeGreaterThan(0);
    expect(stored!.costUsd).not.toBeNull();
  });

  it("stops the stream's heartbeat when the chat fails after the client has gone", async () => {
    app.upstream.reset({ chunks: 50, delayBetweenMs: 100 });
    const charge = vi.spyOn(app.runtime.deps.tokenBudget, "charge").mockRejectedValue(new Error("store gone"));
    const stops = vi.spyOn(IdleHeartbeat.prototype, "stop");
    try {
      const controller = new AbortController();
      const response = await postJson(`${app.url}/chat`, { message: "long answer" }, auth, controller.signal);
      await readSse(response, (event) => {
        if (event.event === "delta") controller.abort();
      }).catch(() => {});
      await vi.waitFor(() => expect(charge).toHaveBeenCalledTimes(1));
      await vi.waitFor(() => expect(stops).toHaveBeenCalledTimes(1));
    } finally {
      charge.mockRestore();
      stops.mockRestore();
    }
  });

  it("ends with an error event and stores the failure when the provider fails", async () => {
    app.upstream.reset({ failStatus: 500 });
    const events = await readSse(await postJson(`${app.url}/chat`, { message: "will fail" }, auth));
    const error = only(events, "error");
    expect(error).toMatchObject({ code: "upstream_error", message: "The model provider failed (HTTP 500)." });
    const stored = await app.runtime.deps.db.message.findUniqueOrThrow({ where: { id: error.message_id as string } });
    expect(stored).toMatchObject({ status: "error", errorCode: "upstream_error", content: "" });
  });

  it("stores the partial answer as error when the provider drops mid-stream", async () => {
    app.upstream.reset({ chunks: 10, dropAfterChunks: 3 });
    const events = await readSse(await postJson(`${app.url}/chat`, { message: "will drop" }, auth));
    expect(eventsNamed(events, "delta")).toHaveLength(3);
    const error = only(events, "error");
    const stored = await app.runtime.deps.db.message.findUniqueOrThrow({ where: { id: error.message_id as string } });
    expect(stored).toMatchObject({ status: "error", content: "Hello part1 part2" });
    expect(stored.tokensOut).toBeGreaterThan(0);
  });
});

describe.skipIf(!inject("servicesAvailable"))("POST /chat rate limit", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("accepts exactly 100 of 105 simultaneous chats from a user limited to 100", async () => {
    const user = await createUserWithKey(app.runtime.deps.db, { rateLimitPerHour: 100 });
    const responses = await Promise.all(
      Array.from({ length: 105 }, (_, i) => postJson(`${app.url}/chat`, { message: `burst ${i}` }, { "x-api-key": user.key })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(100);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    const rejected = responses.find((r) => r.status === 429)!;
    expect(Number(rejected.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(rejected.headers.get("x-ratelimit-limit")).toBe("100");
    expect(rejected.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(Number(rejected.headers.get("x-ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
    expect(((await rejected.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    await Promise.all(responses.filter((r) => !r.bodyUsed).map((r) => r.body?.cancel()));
    // The counter lives in Redis under the seed's key format; it holds the units claimed, which never pass the limit.
    const hour = new Date().toISOString().slice(0, 13).replace(/[-T]/g, "");
    expect(await app.runtime.deps.store.get(`rate_limit:${user.id}:${hour}`)).toBe("100");
  });
});
