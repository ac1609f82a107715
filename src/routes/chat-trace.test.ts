// A chat's trace id, on both chat routes: in every log line, with the user
// (what an operator greps when one user's answers go wrong), and on every
// response, streamed or refused.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postJson } from "../testing/http-client.ts";
import { readSse } from "../testing/sse-client.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";

describe.skipIf(!inject("servicesAvailable"))("a chat's trace id", () => {
  let app: TestApp;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    const logTo = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    app = await startTestApp({ env: { LOG_LEVEL: "info" }, logTo });
  });
  afterAll(async () => {
    await app?.close();
  });

  const userId = async () => (await app.runtime.deps.db.user.findFirstOrThrow({ where: { name: "Test User" } })).id;
  const linesOf = (traceId: string) => lines.filter((line) => line.trace_id === traceId).map((line) => ({ msg: line.msg, user_id: line.user_id, route: line.route }));

  it("POST /chat: started and finished carry the trace id and the user", async () => {
    const response = await postJson(`${app.url}/chat`, { message: "hello" }, { "x-api-key": TEST_USER_KEY, "x-request-id": "trace-logs-chat" });
    expect(response.headers.get("x-request-id")).toBe("trace-logs-chat");
    await readSse(response);
    const id = await userId();
    await expect.poll(() => linesOf("trace-logs-chat")).toEqual([
      { msg: "chat started", user_id: id, route: undefined },
      { msg: "chat finished", user_id: id, route: undefined },
    ]);
    // The seed's check that the sidecar is in use: the estimate, in the started line.
    const started = lines.find((line) => line.trace_id === "trace-logs-chat" && line.msg === "chat started")!;
    expect(started).toMatchObject({ estimate_source: "sidecar", experiment: "system_prompt_style", provider: "openai", model: "gpt-4o-mini" });
    expect(started.pre_estimated_tokens).toBeGreaterThan(0);
  });

  it("the gateway: started and finished carry the trace id, the user and the route", async () => {
    const response = await postJson(
      `${app.url}/v1/chat/completions`,
      { model: "promptlab/system_prompt_style", messages: [{ role: "user", content: "hello" }] },
      { authorization: `Bearer ${TEST_USER_KEY}`, "x-request-id": "trace-logs-gateway" },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("trace-logs-gateway");
    await response.text();
    const id = await userId();
    await expect.poll(() => linesOf("trace-logs-gateway")).toEqual([
      { msg: "gateway chat started", user_id: id, route: "gateway" },
      { msg: "gateway chat finished", user_id: id, route: "gateway" },
    ]);
    const started = lines.find((line) => line.trace_id === "trace-logs-gateway" && line.msg === "gateway chat started")!;
    expect(started).toMatchObject({ estimate_source: "sidecar", experiment: "system_prompt_style", stream: false, turns: 1 });
    expect(started.pre_estimated_tokens).toBeGreaterThan(0);
  });

  it("names the request on streamed gateway answers and on refusals from either route", async () => {
    const streamed = await postJson(
      `${app.url}/v1/chat/completions`,
      { model: "promptlab/system_prompt_style", messages: [{ role: "user", content: "hello" }], stream: true },
      { authorization: `Bearer ${TEST_USER_KEY}`, "x-request-id": "trace-gateway-stream" },
    );
    expect(streamed.headers.get("content-type")).toContain("text/event-stream");
    expect(streamed.headers.get("x-request-id")).toBe("trace-gateway-stream");
    await streamed.text();

    const refusals = [
      await postJson(`${app.url}/chat`, { message: "hello" }, { "x-api-key": "wrong", "x-request-id": "trace-refused-chat" }),
      await postJson(`${app.url}/chat`, { message: "" }, { "x-api-key": TEST_USER_KEY, "x-request-id": "trace-invalid-chat" }),
      await postJson(`${app.url}/v1/chat/completions`, { model: "x", messages: [] }, { authorization: "Bearer wrong", "x-request-id": "trace-refused-gw" }),
      await postJson(`${app.url}/v1/chat/completions`, {}, { authorization: `Bearer ${TEST_USER_KEY}`, "x-request-id": "trace-invalid-gw" }),
    ];
    expect(refusals.map((response) => [response.status, response.headers.get("x-request-id")])).toEqual([
      [401, "trace-refused-chat"],
      [400, "trace-invalid-chat"],
      [401, "trace-refused-gw"],
      [400, "trace-invalid-gw"],
    ]);
  });
});
