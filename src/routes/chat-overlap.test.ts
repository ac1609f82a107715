// The provider call overlaps the work before the first token (the sidecar's
// estimate and the stored turns) instead of following it, and the first token
// does not wait for the estimate at all: with a sidecar that takes 1 s and a
// model that answers at once, the answer streams at once and the estimate
// follows on its own, before `done` (which stores it with the answer).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postJson } from "../testing/http-client.ts";
import { eventsNamed, only, readSse } from "../testing/sse-client.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";

const auth = { "x-api-key": TEST_USER_KEY };
const SIDECAR_DELAY_MS = 1_000;

describe.skipIf(!inject("servicesAvailable"))("a chat's first token does not wait for the sidecar's estimate", () => {
  let app: TestApp;
  let sidecar: http.Server;
  const countAnsweredAt: number[] = [];

  beforeAll(async () => {
    // A sidecar that is slow but answers within the deadline, so its figure is the one used.
    sidecar = http.createServer((req, res) => {
      req.resume();
      req.on("end", () =>
        setTimeout(() => {
          countAnsweredAt.push(Date.now());
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ tokens: 77, model: "gpt-4o-mini", encoding: "o200k_base" }));
        }, SIDECAR_DELAY_MS),
      );
    });
    await new Promise<void>((resolve) => sidecar.listen(0, "127.0.0.1", resolve));
    app = await startTestApp({
      env: { SIDECAR_URL: `http://127.0.0.1:${(sidecar.address() as AddressInfo).port}`, SIDECAR_TIMEOUT_MS: "3000" },
    });
  });
  afterAll(async () => {
    await app?.close();
    sidecar.closeAllConnections();
    await new Promise((resolve) => sidecar.close(resolve));
  });

  it("POST /chat streams the answer before the estimate, which still comes before done and is stored", async () => {
    const sentAt = performance.now();
    const events = await readSse(await postJson(`${app.url}/chat`, { message: "overlap please" }, auth));
    expect(events[0]!.event).toBe("meta");
    const firstDelta = eventsNamed(events, "delta")[0]!;
    const estimate = eventsNamed(events, "estimate")[0]!;
    const done = only(events, "done");
    expect(done.status).toBe("complete");
    // Waiting for the estimate would put the first token at least SIDECAR_DELAY_MS in.
    expect(firstDelta.at - sentAt).toBeLessThan(SIDECAR_DELAY_MS / 2);
    expect(done.time_to_first_token_ms).toBeLessThan(SIDECAR_DELAY_MS / 2);
    expect(estimate.at - sentAt).toBeGreaterThanOrEqual(SIDECAR_DELAY_MS - 50);
    expect(estimate.data).toEqual({ pre_estimated_tokens: 77, estimate_source: "sidecar" });
    expect(events.map((e) => e.event).slice(-2)).toEqual(["estimate", "done"]);
    expect(app.upstream.requests[0]!.receivedAt).toBeLessThan(countAnsweredAt.at(-1)!);

    const stored = await app.runtime.deps.db.message.findUniqueOrThrow({ where: { id: done.message_id as string } });
    expect(stored).toMatchObject({ preEstimatedTokens: 77, estimateSource: "sidecar", status: "complete" });
  });

  it("the OpenAI-compatible gateway streams its first chunk before the estimate too", async () => {
    const sentAt = performance.now();
    const response = await postJson(
      `${app.url}/v1/chat/completions`,
      { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "overlap please" }] },
      { authorization: `Bearer ${TEST_USER_KEY}` },
    );
    expect(response.status).toBe(200);
    const messageId = response.headers.get("x-promptlab-message-id")!;
    // Read raw: the stream ends with `data: [DONE]`, which is not JSON.
    const reader = response.body!.getReader();
    const first = await reader.read();
    const firstChunkAt = performance.now();
    let body = new TextDecoder().decode(first.value);
    for (let next = await reader.read(); !next.done; next = await reader.read()) body += new TextDecoder().decode(next.value);
    expect(first.value!.byteLength).toBeGreaterThan(0);
    expect(firstChunkAt - sentAt).toBeLessThan(SIDECAR_DELAY_MS / 2);
    expect(body).toContain('"content":"Hello"');
    expect(body.endsWith("data: [DONE]\n\n")).toBe(true);

    const stored = await app.runtime.deps.db.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(stored).toMatchObject({ preEstimatedTokens: 77, estimateSource: "sidecar" });
  });
});
