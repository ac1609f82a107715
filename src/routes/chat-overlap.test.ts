// The provider call overlaps the work before the first token (the sidecar's
// estimate and the stored turns) instead of following it: with a sidecar that
// takes 1 s and a model that takes 1 s to start, the first token comes
// after about 1 s, not 2.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postJson } from "../testing/http-client.ts";
import { only, readSse } from "../testing/sse-client.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";

const auth = { "x-api-key": TEST_USER_KEY };
const SIDECAR_DELAY_MS = 1_000;
const FIRST_TOKEN_DELAY_MS = 1_000;

describe.skipIf(!inject("servicesAvailable"))("POST /chat overlaps the provider call with the estimate and the write", () => {
  let app: TestApp;
  let sidecar: http.Server;
  const countAnsweredAt: number[] = [];

  beforeAll(async () => {
    // A sidecar that is slow but answers, so the chat waits for its figure.
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
      upstream: { delayBeforeFirstMs: FIRST_TOKEN_DELAY_MS },
      env: { SIDECAR_URL: `http://127.0.0.1:${(sidecar.address() as AddressInfo).port}`, SIDECAR_TIMEOUT_MS: "3000" },
    });
  });
  afterAll(async () => {
    await app?.close();
    sidecar.closeAllConnections();
    await new Promise((resolve) => sidecar.close(resolve));
  });

  it("asks the provider before the estimate is back, and still sends the estimate first", async () => {
    const events = await readSse(await postJson(`${app.url}/chat`, { message: "overlap please" }, auth));
    const meta = only(events, "meta");
    expect(meta).toMatchObject({ pre_estimated_tokens: 77, estimate_source: "sidecar" });
    expect(events[0]!.event).toBe("meta");
    const done = only(events, "done");
    expect(done.status).toBe("complete");
    // Sequential would be at least SIDECAR_DELAY_MS + FIRST_TOKEN_DELAY_MS.
    expect(done.time_to_first_token_ms).toBeGreaterThanOrEqual(FIRST_TOKEN_DELAY_MS);
    expect(done.time_to_first_token_ms).toBeLessThan(SIDECAR_DELAY_MS + FIRST_TOKEN_DELAY_MS - 300);
    expect(app.upstream.requests).toHaveLength(1);
    expect(app.upstream.requests[0]!.receivedAt).toBeLessThan(countAnsweredAt.at(-1)!);
  });
});
