// Property-based fuzzing of every HTTP route and tRPC procedure with random and
// malformed methods, headers, ids and bodies: the server may refuse (4xx) but
// must never fail (5xx), and it must still be healthy afterwards.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startTestApp, TEST_ADMIN_KEY, TEST_USER_KEY, type TestApp } from "./testing/test-app.ts";
import { appRouter } from "./trpc/router.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

const RAW_ROUTES = ["/chat", "/feedback", "/feedback/stats", "/health", "/v1/chat/completions", "/v1/models", "/experiments/system_prompt_style/kill"];
const procedures = Object.keys((appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures);

const idLike = fc.oneof(
  fc.uuid(),
  fc.string({ maxLength: 40 }),
  fc.constant("00000000-0000-0000-0000-000000000000"),
  fc.constant("../../etc/passwd"),
  fc.integer().map(String),
);
const fieldValue = fc.oneof(
  idLike,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 2_000 }),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);
const knownFields = ["message", "conversation_id", "message_id", "rating", "messageId", "conversationId", "experiment", "model", "messages", "stream", "user", "reason", "limit", "input"];
const structuredBody = fc.dictionary(fc.oneof(fc.constantFrom(...knownFields), fc.string({ maxLength: 12 })), fieldValue, { maxKeys: 6 });
const body = fc.oneof(
  structuredBody.map((value) => JSON.stringify(value)),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 300 }),
  fc.constantFrom("", "{", "null", "[]", '{"message":', "\u0000\u0001", '{"json":{"messageId":"x","rating":1}}'),
);
const apiKey = fc.oneof(
  fc.constantFrom(TEST_USER_KEY, TEST_ADMIN_KEY, "", "pl_", "pl_unknown_0000000000000000"),
  fc.string({ maxLength: 150 }).filter((value) => /^[\x21-\x7e]*$/.test(value)),
);
const path = fc.oneof(
  fc.constantFrom(...RAW_ROUTES),
  fc.constantFrom(...procedures).map((name) => `/trpc/${name}`),
  fc.tuple(fc.constantFrom(...procedures), fc.string({ maxLength: 80 })).map(
    ([name, input]) => `/trpc/${name}?input=${encodeURIComponent(input)}`,
  ),
  fc.tuple(fc.constantFrom(...procedures), structuredBody).map(
    ([name, input]) => `/trpc/${name}?input=${encodeURIComponent(JSON.stringify(input))}`,
  ),
  idLike.map((id) => `/experiments/${encodeURIComponent(id)}/kill`),
  fc.webPath().map((p) => p || "/"),
);
const request = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"),
  path,
  apiKey,
  authorization: fc.option(fc.constantFrom(`Bearer ${TEST_USER_KEY}`, "Bearer", "Basic abc", "Bearer pl_x"), { nil: undefined }),
  contentType: fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", ""),
  requestId: fc.option(fc.string({ maxLength: 200 }).filter((value) => /^[\x20-\x7e]*$/.test(value)), { nil: undefined }),
  body,
});

describe.skipIf(!inject("servicesAvailable"))("fuzzing every endpoint", () => {
  let app: TestApp;
  beforeAll(async () => {
    // Zero-delay upstream: accidental valid chats finish at once.
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it(`answers ${RUNS} random and malformed requests without a 5xx`, async () => {
    const failures: string[] = [];
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.apiKey) headers["x-api-key"] = r.apiKey;
        if (r.authorization) headers.authorization = r.authorization;
        if (r.contentType) headers["content-type"] = r.contentType;
        if (r.requestId !== undefined) headers["x-request-id"] = r.requestId;
        const hasBody = r.method !== "GET" && r.method !== "HEAD";
        const response = await fetch(`${app.url}${r.path.startsWith("/") ? r.path : `/${r.path}`}`, {
          method: r.method,
          headers,
          ...(hasBody ? { body: r.body } : {}),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.status >= 500) failures.push(`${r.method} ${r.path} -> ${response.status}`);
        return response.status < 500;
      }),
      { numRuns: RUNS, seed: 20261127, endOnFailure: true },
    );
    expect(failures).toEqual([]);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
  }, 300_000);
});
