// Gateway failures as an OpenAI SDK application sees them: each one arrives as
// the SDK's typed error with OpenAI's error body, and retry signals (status,
// Retry-After, x-should-retry) make the SDK's retry logic do the right thing.
import OpenAI, {
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { startTestApp, type TestApp } from "../../testing/test-app.ts";
import { createUserWithKey } from "../../testing/test-users.ts";

const MODEL = "promptlab/system_prompt_style";
const ask = (content: string) => [{ role: "user" as const, content }];

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

async function storedMessage(app: TestApp, id: string) {
  const db = app.runtime.deps.db;
  let stored = await db.message.findUnique({ where: { id } });
  for (let i = 0; !stored && i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    stored = await db.message.findUnique({ where: { id } });
  }
  return stored;
}

describe.skipIf(!inject("servicesAvailable"))("gateway errors through the OpenAI SDK", () => {
  let app: TestApp;
  let user: { id: string; key: string };
  let client: OpenAI;

  beforeAll(async () => {
    // A breaker that never opens here, so failures in one test cannot leak into the next.
    app = await startTestApp({ env: { LLM_BREAKER_FAILURES: "1000" } });
    user = await createUserWithKey(app.runtime.deps.db, { rateLimitPerHour: 10_000 });
    client = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: user.key, maxRetries: 0 });
  });
  afterAll(async () => {
    await app?.close();
  });
  beforeEach(() => app.upstream.reset());

  it("raises AuthenticationError for a wrong key, with OpenAI's error body", async () => {
    const wrong = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: "pl_not_a_real_key_0000000000", maxRetries: 0 });
    const error = await failureOf(wrong.chat.completions.create({ model: MODEL, messages: ask("hi") }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: "invalid_api_key", type: "invalid_request_error", param: null });
    expect(await failureOf(wrong.models.list())).toBeInstanceOf(AuthenticationError);
    expect(app.upstream.requests).toHaveLength(0);
  });

  it("raises NotFoundError for an unknown experiment model and an unknown path", async () => {
    const error = await failureOf(client.chat.completions.create({ model: "promptlab/no_such_experiment", messages: ask("hi") }));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: "model_not_found", param: "model", type: "invalid_request_error" });
    expect((error as NotFoundError).message).toContain("promptlab/no_such_experiment");
    expect(app.upstream.requests).toHaveLength(0);

    expect(await failureOf(client.get("/embeddings"))).toBeInstanceOf(NotFoundError);
    expect(await failureOf(client.get("/chat/completions"))).toMatchObject({ status: 405, type: "invalid_request_error" });
  });

  it.each([
    ["tool calling", { tools: [{ type: "function" as const, function: { name: "lookup" } }] }, "tools"],
    ["several choices", { n: 2 }, "n"],
    ["an empty transcript", { messages: [] }, "messages"],
    ["JSON mode", { response_format: { type: "json_object" as const } }, "response_format.type"],
  ])("raises BadRequestError naming the parameter for %s", async (_name, overrides, param) => {
    const error = await failureOf(client.chat.completions.create({ model: MODEL, messages: ask("hi"), ...overrides }));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, param, code: "invalid_request", type: "invalid_request_error" });
    expect(app.upstream.requests).toHaveLength(0);
  });

  it("raises BadRequestError for an argument OpenAI's API does not have either", async () => {
    const body = { model: MODEL, messages: ask("hi"), frobnicate: true } as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const error = await failureOf(client.chat.completions.create(body));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain("Unrecognized request argument supplied: frobnicate");
  });

  it("raises RateLimitError with Retry-After, and the SDK does not burn the window on retries", async () => {
    // The window is the clock hour: a test that straddled its end would see the
    // second call allowed (it did, once, at 17:00), so one that would start in
    // the hour's last 15 s waits for the next hour.
    const untilNextHour = 3_600_000 - (Date.now() % 3_600_000);
    if (untilNextHour < 15_000) await new Promise((resolve) => setTimeout(resolve, untilNextHour + 100));
    const limited = await createUserWithKey(app.runtime.deps.db, { rateLimitPerHour: 1 });
    // Default retry settings, as an application would have them.
    let attempts = 0;
    const countingFetch: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const appClient = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: limited.key, fetch: countingFetch });
    await appClient.chat.completions.create({ model: MODEL, messages: ask("one") });
    const started = Date.now();
    const error = await failureOf(appClient.chat.completions.create({ model: MODEL, messages: ask("two") }));
    expect(error).toBeInstanceOf(RateLimitError);
    const rateLimited = error as RateLimitError;
    expect(rateLimited).toMatchObject({ status: 429, code: "rate_limit_exceeded", type: "requests" });
    expect(Number(rateLimited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(rateLimited.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(rateLimited.headers.get("x-should-retry")).toBe("false");
    expect(Date.now() - started).toBeLessThan(2_000);
    // Two requests were sent: the first and the refused one, no retries.
    expect(attempts).toBe(2);
    const hour = new Date().toISOString().slice(0, 13).replace(/[-T]/g, "");
    expect(await app.runtime.deps.store.get(`rate_limit:${limited.id}:${hour}`)).toBe("1");
    expect(app.upstream.requests).toHaveLength(1);
  });

  it("answers 502 when the provider fails before the first token, and stores the failure", async () => {
    app.upstream.reset({ failStatus: 500 });
    const error = await failureOf(client.chat.completions.create({ model: MODEL, messages: ask("will fail") }));
    expect(error).toBeInstanceOf(InternalServerError);
    const failed = error as InternalServerError;
    expect(failed).toMatchObject({ status: 502, code: "upstream_error", type: "server_error" });
    expect(failed.message).toContain("The model provider failed (HTTP 500).");
    const stored = await storedMessage(app, failed.headers.get("x-promptlab-message-id")!);
    expect(stored).toMatchObject({ status: "error", errorCode: "upstream_error", content: "" });

    const streamed = await failureOf(client.chat.completions.create({ model: MODEL, messages: ask("will fail"), stream: true }));
    expect(streamed).toBeInstanceOf(InternalServerError);
    expect(streamed).toMatchObject({ status: 502, code: "upstream_error" });
  });

  it("ends a stream that breaks mid-answer with an error the SDK raises, and stores the partial answer", async () => {
    app.upstream.reset({ chunks: 10, dropAfterChunks: 3 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: MODEL, messages: ask("will drop"), stream: true })
      .withResponse();
    expect(response.status).toBe(200);
    let received = "";
    const error = await failureOf(
      (async () => {
        for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? "";
      })(),
    );
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ code: "upstream_error", type: "server_error" });
    expect(received).toBe("Hello part1 part2");
    const stored = await storedMessage(app, response.headers.get("x-promptlab-message-id")!);
    expect(stored).toMatchObject({ status: "error", content: "Hello part1 part2", errorCode: "upstream_error" });
    expect(stored!.tokensOut).toBeGreaterThan(0);
  });
});

describe.skipIf(!inject("servicesAvailable"))("gateway while the provider's circuit is open", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { LLM_BREAKER_FAILURES: "2", LLM_MAX_ATTEMPTS: "1" }, upstream: { failStatus: 500 } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("answers 503 with Retry-After, without calling the provider", async () => {
    const user = await createUserWithKey(app.runtime.deps.db, { rateLimitPerHour: 10_000 });
    const client = new OpenAI({ baseURL: `${app.url}/v1`, apiKey: user.key, maxRetries: 0 });
    const call = () => failureOf(client.chat.completions.create({ model: MODEL, messages: ask("down?") }));
    expect(await call()).toMatchObject({ status: 502 });
    expect(await call()).toMatchObject({ status: 502 });
    const calls = app.upstream.requests.length;
    const error = await call();
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error).toMatchObject({ status: 503, code: "service_unavailable", type: "server_error" });
    expect((error as InternalServerError).headers.get("retry-after")).toBe("5");
    expect(app.upstream.requests).toHaveLength(calls);
  });
});
