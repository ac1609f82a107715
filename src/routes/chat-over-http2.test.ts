// LLM_HTTP2 end to end: the real /chat route, the production provider and the
// fake upstream over HTTP/2, by prior knowledge (h2c) and negotiated over
// HTTPS. Open chats share the upstream connection, and every answer streams
// and is stored as over HTTP/1.1.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connectDatabase } from "../db.ts";
import { startFakeUpstream, type FakeUpstream, type RecordedRequest } from "../testing/fake-openai-upstream.ts";
import { postJson } from "../testing/http-client.ts";
import { selfSignedCertificate, type SelfSignedCertificate } from "../testing/self-signed-certificate.ts";
import { startServerProcess } from "../testing/server-process.ts";
import { eventsNamed, only, readSse } from "../testing/sse-client.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.ts";
import { TEST_REDIS_URL, uniqueSuffix } from "../testing/test-services.ts";

describe.skipIf(!inject("servicesAvailable"))("POST /chat with LLM_HTTP2 to the provider", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ upstream: { chunks: 6, delayBetweenMs: 100 }, upstreamHttp2: true });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("streams concurrent chats over shared upstream connections and stores every answer", async () => {
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

// The path a hosted provider takes: HTTPS, where ALPN settles the protocol. The
// server runs as its own process so that NODE_EXTRA_CA_CERTS, read at start-up,
// makes it trust the test certificate, as an operator would for a private CA.
describe.skipIf(!inject("servicesAvailable"))("LLM_HTTP2 over HTTPS", () => {
  let database: TestDatabase;
  let certificate: SelfSignedCertificate;
  let upstream: FakeUpstream;
  beforeAll(async () => {
    database = await createTestDatabase();
    certificate = await selfSignedCertificate();
    upstream = await startFakeUpstream({}, { tls: { key: certificate.key, cert: certificate.cert } });
  });
  afterAll(async () => {
    await upstream?.close();
    await certificate?.remove();
    await database?.drop();
  });

  function startServerAgainst(baseURL: string, http2: boolean) {
    return startServerProcess({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `promptlab_test:${uniqueSuffix()}:`,
      LLM_BASE_URL: baseURL,
      LLM_HTTP2: String(http2),
      OPENAI_API_KEY: "sk-test",
      SIDECAR_DISABLED: "true",
      NODE_EXTRA_CA_CERTS: certificate.certFile,
    });
  }

  async function chatsThrough(http2: boolean): Promise<RecordedRequest[]> {
    upstream.reset({ chunks: 4, delayBetweenMs: 50 });
    const server = await startServerAgainst(upstream.tlsBaseURL!, http2);
    try {
      const first = await postJson(`${server.url}/chat`, { message: "warm up" }, { "x-api-key": TEST_USER_KEY });
      expect(only(await readSse(first), "done").status).toBe("complete");
      const chats = await Promise.all(
        Array.from({ length: 5 }, async () => readSse(await postJson(`${server.url}/chat`, { message: "hi" }, { "x-api-key": TEST_USER_KEY }))),
      );
      for (const events of chats) expect(only(events, "done").status).toBe("complete");
      return [...upstream.requests];
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  }

  it("negotiates HTTP/2 and shares one connection when asked, HTTP/1.1 otherwise", async () => {
    const overHttp2 = await chatsThrough(true);
    expect(overHttp2.map((sent) => sent.httpVersion)).toEqual(Array(6).fill("2.0"));
    expect(new Set(overHttp2.map((sent) => sent.remotePort)).size).toBe(1);

    const overHttp1 = await chatsThrough(false);
    expect(overHttp1.map((sent) => sent.httpVersion)).toEqual(Array(6).fill("1.1"));
    // Five answers at once over HTTP/1.1 need five connections.
    expect(new Set(overHttp1.map((sent) => sent.remotePort)).size).toBeGreaterThanOrEqual(5);
  }, 60_000);

  it("refuses a provider that will not speak HTTP/2, sending it nothing and saying why", async () => {
    // HTTP/1.1 with the HTTP/2 pool's settings would pipeline answers behind each other.
    const http1Only = await startFakeUpstream({}, { tls: { key: certificate.key, cert: certificate.cert, http2: false } });
    const server = await startServerAgainst(http1Only.tlsBaseURL!, true);
    try {
      const events = await readSse(await postJson(`${server.url}/chat`, { message: "hi" }, { "x-api-key": TEST_USER_KEY }));
      expect(only(events, "error").code).toBe("upstream_error");
      expect(http1Only.requests).toHaveLength(0);
      expect(server.output()).toContain("did not agree to HTTP/2");
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
      await http1Only.close();
    }
  }, 60_000);
});
