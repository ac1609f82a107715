// LLM_HTTP2 end to end: the real /chat route, the production provider and the
// fake upstream over HTTP/2 with prior knowledge. Open chats share the
// upstream connection, and every answer streams and is stored as over HTTP/1.1.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connectDatabase } from "../db.ts";
import { postJson } from "../testing/http-client.ts";
import { eventsNamed, only, readSse } from "../testing/sse-client.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";

describe.skipIf(!inject("servicesAvailable"))("POST /chat with LLM_HTTP2 to the provider", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ upstream: { chunks: 6, delayBetweenMs: 100 }, upstreamHttp2: true });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("streams concurrent chats over one upstream connection and stores every answer", async () => {
    // While the first connection is being set up, undici opens one for each
    // request that cannot wait for it; after that, chats join its streams.
    const first = await postJson(`${app.url}/chat`, { message: "warm up" }, { "x-api-key": TEST_USER_KEY });
    await readSse(first);
    app.upstream.requests.length = 0;

    const chats = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const response = await postJson(`${app.url}/chat`, { message: `question ${i}` }, { "x-api-key": TEST_USER_KEY });
        expect(response.status).toBe(200);
        return readSse(response);
      }),
    );
    for (const events of chats) {
      expect(eventsNamed(events, "delta").map((event) => event.data.text).join("")).toBe("Hello part1 part2 part3 part4 part5");
      expect(only(events, "done").status).toBe("complete");
    }
    expect(app.upstream.requests).toHaveLength(30);
    for (const sent of app.upstream.requests) expect(sent.headers[":scheme"]).toBe("http");
    // A request per connection would be 30 ports; undici opens another
    // connection for a second chat that reaches it in the same tick.
    expect(new Set(app.upstream.requests.map((sent) => sent.remotePort)).size).toBeLessThanOrEqual(3);

    const db = connectDatabase(app.database.url, { poolSize: 1 });
    try {
      await expect
        .poll(() => db.prisma.message.count({ where: { role: "assistant", status: "complete", content: "Hello part1 part2 part3 part4 part5" } }))
        .toBe(31);
    } finally {
      await db.close();
    }
  });
});
