// The caller's turn is written alongside the provider call, not before it: the
// answer starts streaming while the write waits, `done` comes only once the
// turn is committed, and a turn that cannot be stored stops the answer with an
// error event and nothing saved. A second connection holds a lock on the
// messages table to keep the write waiting for as long as the test needs.
import { Writable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postJson } from "../testing/http-client.ts";
import { eventsNamed, only, readSse, type ReceivedEvent } from "../testing/sse-client.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";

const auth = { "x-api-key": TEST_USER_KEY };

describe.skipIf(!inject("servicesAvailable"))("POST /chat while the caller's turn is being written", () => {
  let app: TestApp;
  let locker: pg.Client;
  const logged: Array<{ level: number; msg: string }> = [];

  beforeAll(async () => {
    const logTo = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) if (line) logged.push(JSON.parse(line) as { level: number; msg: string });
        done();
      },
    });
    app = await startTestApp({ upstream: { chunks: 20, delayBetweenMs: 50 }, env: { LOG_LEVEL: "warn" }, logTo });
    locker = new pg.Client({ connectionString: app.database.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await app?.close();
  });

  /** Holds back every insert into messages until the returned function ends the lock's transaction. */
  async function holdMessageWrites(): Promise<(finish: "COMMIT" | "ROLLBACK") => Promise<void>> {
    await locker.query("BEGIN");
    await locker.query("LOCK TABLE messages IN SHARE MODE");
    return async (finish) => {
      await locker.query(finish);
    };
  }

  /** Reads the stream, calling `onFirstDelta` once (with the events so far) and waiting for it. */
  async function chatAndAct(body: Record<string, unknown>, onFirstDelta: (sofar: ReceivedEvent[]) => Promise<void>) {
    const response = await postJson(`${app.url}/chat`, body, auth);
    expect(response.status).toBe(200);
    const sofar: ReceivedEvent[] = [];
    let acting: Promise<void> | null = null;
    const events = await readSse(response, (event) => {
      sofar.push(event);
      acting ??= event.event === "delta" ? onFirstDelta(sofar) : null;
    });
    await acting;
    return events;
  }

  it("streams the answer before the turn commits, and sends done only after it has", async () => {
    const release = await holdMessageWrites();
    let seenWhileHeld: string[] = [];
    const events = await chatAndAct({ message: "stream while the write waits" }, async (sofar) => {
      // The estimate may ride with the first delta or come later: what matters is that deltas flow.
      seenWhileHeld = sofar.map((event) => event.event).filter((name) => name !== "estimate");
      // Let a few more deltas through while the turn still cannot be written.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(eventsNamed(sofar, "done")).toHaveLength(0);
      await release("ROLLBACK");
    });
    expect(seenWhileHeld).toEqual(["meta", "delta"]);
    const done = only(events, "done");
    expect(done.status).toBe("complete");
    const stored = await app.runtime.deps.db.message.findMany({
      where: { conversationId: only(events, "meta").conversation_id as string },
      orderBy: { createdAt: "asc" },
    });
    expect(stored.map((message) => [message.role, message.status])).toEqual([
      ["user", "complete"],
      ["assistant", "complete"],
    ]);
    expect(stored[1]!.content).toBe(eventsNamed(events, "delta").map((event) => event.data.text).join(""));
  });

  it("stops the answer with an error event, and stores nothing, when the turn cannot be stored", async () => {
    const first = await readSse(await postJson(`${app.url}/chat`, { message: "the conversation to lose" }, auth));
    const conversationId = only(first, "meta").conversation_id as string;
    const requestsBefore = app.upstream.requests.length;

    const release = await holdMessageWrites();
    const events = await chatAndAct({ message: "cannot be stored later", conversation_id: conversationId }, async () => {
      // The conversation disappears while the turn waits, so its insert fails once the lock is gone.
      await locker.query("DELETE FROM conversations WHERE id = $1", [conversationId]);
      await release("COMMIT");
    });

    expect(eventsNamed(events, "delta").length).toBeGreaterThan(0);
    expect(eventsNamed(events, "done")).toHaveLength(0);
    const error = only(events, "error");
    expect(error).toEqual({ code: "not_stored", message: "The message could not be stored. Nothing from this chat was saved; please retry." });
    expect(app.upstream.requests).toHaveLength(requestsBefore + 1);
    expect(await app.upstream.requests.at(-1)!.aborted).toBe(true);
    expect(await app.runtime.deps.db.message.count({ where: { content: "cannot be stored later" } })).toBe(0);
    expect(await app.runtime.deps.db.message.count({ where: { conversationId } })).toBe(0);
    // Logged as what it is, not as a provider failure.
    expect(logged.map((line) => line.msg)).toContain("the caller's turns could not be stored; answer stopped");
    expect(logged.map((line) => line.msg)).not.toContain("provider stream failed");
  });
});
