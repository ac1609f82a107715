// Graceful shutdown of the real server process: on SIGTERM it stops accepting,
// lets streams finish up to the deadline, ends the rest with an error event,
// keeps every partial answer, and exits 0.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { connectDatabase } from "./db.ts";
import { startFakeUpstream, type FakeUpstream } from "./testing/fake-openai-upstream.ts";
import { postJson } from "./testing/http-client.ts";
import { startServerProcess } from "./testing/server-process.ts";
import { only, readSse } from "./testing/sse-client.ts";
import { createTestDatabase, type TestDatabase } from "./testing/test-database.ts";
import { TEST_REDIS_URL, uniqueSuffix } from "./testing/test-services.ts";

describe.skipIf(!inject("servicesAvailable"))("SIGTERM", () => {
  let database: TestDatabase;
  let upstream: FakeUpstream;
  beforeAll(async () => {
    database = await createTestDatabase();
    upstream = await startFakeUpstream({ delayBetweenMs: 100 });
  });
  afterAll(async () => {
    await upstream?.close();
    await database?.drop();
  });

  it("drains streams up to the deadline, stores partial answers and exits 0", async () => {
    const server = await startServerProcess({
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: `promptlab_test:${uniqueSuffix()}:`,
      LLM_BASE_URL: upstream.baseURL,
      OPENAI_API_KEY: "sk-test",
      SIDECAR_DISABLED: "true",
      SHUTDOWN_DEADLINE_MS: "1500",
    });
    const { url, exited } = server;

    const chat = async (chunks: number) => {
      // The fake upstream reads its behaviour when a request arrives: wait for it before changing it.
      const before = upstream.requests.length;
      upstream.behaviour.chunks = chunks;
      const response = await postJson(`${url}/chat`, { message: `${chunks} chunks` }, { "x-api-key": "test-key-123" });
      await expect.poll(() => upstream.requests.length).toBe(before + 1);
      return response;
    };
    const short = await chat(12); // about 1.2 s: finishes inside the 1.5 s deadline
    const long = await chat(60); // about 6 s: cut at the deadline
    const shortEvents = readSse(short);
    const longEvents = readSse(long);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const signalledAt = Date.now();
    server.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(fetch(`${url}/health`)).rejects.toThrow(); // no longer accepting

    expect(only(await shortEvents, "done").status).toBe("complete");
    const ended = await longEvents;
    const error = only(ended, "error");
    expect(error.code).toBe("server_shutting_down");
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(1_400);
    expect(await exited).toBe(0);

    const db = connectDatabase(database.url, { poolSize: 1 });
    try {
      const longMessage = await db.prisma.message.findUniqueOrThrow({ where: { id: error.message_id as string } });
      expect(longMessage.status).toBe("error");
      expect(longMessage.errorCode).toBe("server_shutting_down");
      expect(longMessage.content.length).toBeGreaterThan(0);
      expect(longMessage.tokensOut).toBeGreaterThan(0);
      expect(await db.prisma.message.count({ where: { role: "assistant", status: "complete" } })).toBe(1);
    } finally {
      await db.close();
    }
  }, 60_000);
});
