// The production OpenAI-compatible provider on its own, over real HTTP: the
// fake upstream for the wire format, and raw servers for what a real provider
// can send that the fake does not (split characters, error events, garbage).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../../testing/fake-openai-upstream.ts";
import { OpenAiProvider, ProviderHttpError, ProviderStreamError } from "./openai-provider.ts";
import type { CompletionEvent, CompletionRequest } from "./provider.ts";

function request(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], parameters: {}, signal: new AbortController().signal, ...overrides };
}

async function collect(provider: OpenAiProvider, req = request()): Promise<CompletionEvent[]> {
  const events: CompletionEvent[] = [];
  for await (const event of provider.stream(req)) events.push(event);
  return events;
}

/** What the fake upstream's default behaviour streams, as the provider reports it. */
const DEFAULT_ANSWER: CompletionEvent[] = [
  { type: "delta", text: "Hello" },
  { type: "delta", text: " part1" },
  { type: "delta", text: " part2" },
  { type: "delta", text: " part3" },
  { type: "delta", text: " part4" },
  { type: "usage", tokensIn: 21, tokensOut: 5 },
];

/**
 * Far more events than the provider buffers before it stops reading, all sent
 * at once, then read late and in pauses: the texts in the order they came.
 */
async function readFarBehind(provider: OpenAiProvider, upstream: FakeUpstream): Promise<string[]> {
  upstream.reset({ chunks: 2_000, delayBetweenMs: 0, chunkText: (i: number) => `<${i}>` });
  const iterator = provider.stream(request())[Symbol.asyncIterator]();
  const first = await iterator.next();
  await new Promise((resolve) => setTimeout(resolve, 300));
  const texts = [first.value.text];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    if (next.value.type === "delta") texts.push(next.value.text);
    if (texts.length % 500 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return texts;
}

/** A server that answers every request with `respond`, for wire shapes the fake upstream never sends. */
async function rawServer(respond: (res: http.ServerResponse) => Promise<void> | void): Promise<{ baseURL: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => void respond(res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("OpenAiProvider", () => {
  let upstream: FakeUpstream;
  let provider: OpenAiProvider;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    provider = new OpenAiProvider({ name: "primary", baseURL: upstream.baseURL, apiKey: "sk-test", timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await provider.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it("streams the deltas and the usage, and sends OpenAI's request shape", async () => {
    const events = await collect(
      provider,
      request({ parameters: { temperature: 0.2, maxTokens: 64, topP: 0.9, stop: ["END"], seed: 7 } }),
    );
    expect(events).toEqual(DEFAULT_ANSWER);
    const sent = upstream.requests[0]!;
    expect(sent.headers.authorization).toBe("Bearer sk-test");
    expect(sent.body).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      max_tokens: 64,
      top_p: 0.9,
      stop: ["END"],
      seed: 7,
    });
  });

  it("reuses one keep-alive connection for consecutive answers", async () => {
    const ports = new Set<number | undefined>();
    upstream.reset();
    for (let i = 0; i < 20; i++) {
      await collect(provider);
      ports.add(upstream.requests.at(-1)!.remotePort);
    }
    // A connection per answer would give 20 ports; undici may open a second
    // while the first is still being released at the end of an answer.
    expect(ports.size).toBeLessThanOrEqual(2);
  });

  it("reports an HTTP error with its status and the provider's message", async () => {
    upstream.reset({ failStatus: 429 });
    const failure = await collect(provider).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderHttpError);
    expect(failure).toMatchObject({ status: 429, providerMessage: "fake upstream failure" });
  });

  it("fails when the connection drops mid-answer, after the deltas that arrived", async () => {
    upstream.reset({ dropAfterChunks: 2 });
    const events: CompletionEvent[] = [];
    const failure = await (async () => {
      for await (const event of provider.stream(request())) events.push(event);
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(events).toEqual([
      { type: "delta", text: "Hello" },
      { type: "delta", text: " part1" },
    ]);
  });

  it("aborts the upstream request when the caller's signal fires", async () => {
    upstream.reset({ chunks: 50, delayBetweenMs: 20 });
    const controller = new AbortController();
    const events: CompletionEvent[] = [];
    const failure = await (async () => {
      for await (const event of provider.stream(request({ signal: controller.signal }))) {
        events.push(event);
        if (events.length === 2) controller.abort(new Error("caller left"));
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(await upstream.requests[0]!.aborted).toBe(true);
    expect(events.length).toBeLessThan(50);
  });

  it("cuts the upstream request when its reader stops early", async () => {
    upstream.reset({ chunks: 50, delayBetweenMs: 20 });
    const events: CompletionEvent[] = [];
    for await (const event of provider.stream(request())) {
      events.push(event);
      if (events.length === 2) break;
    }
    expect(await upstream.requests[0]!.aborted).toBe(true);
    expect(events).toHaveLength(2);
  });

  it("gives its reader nothing more once the caller aborts, however much had arrived", async () => {
    upstream.reset({ chunks: 500, delayBetweenMs: 0 });
    const controller = new AbortController();
    const iterator = provider.stream(request({ signal: controller.signal }))[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const reason = new Error("client hung up");
    controller.abort(reason);
    await expect(iterator.next()).rejects.toBe(reason);
  });

  it("ends a read still waiting when its reader stops", async () => {
    upstream.reset({ chunks: 3, delayBeforeFirstMs: 2_000 });
    const iterator = provider.stream(request())[Symbol.asyncIterator]();
    const pending = iterator.next();
    await expect.poll(() => upstream.requests.length).toBe(1);
    await iterator.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await upstream.requests[0]!.aborted).toBe(true);
  });

  it("loses nothing when its reader falls far behind, and keeps the order", async () => {
    expect(await readFarBehind(provider, upstream)).toEqual(Array.from({ length: 2_000 }, (_, i) => `<${i}>`));
  });

  it("joins a character split between two network chunks", async () => {
    const bytes = Buffer.from(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "naïve 🌍" } }] })}\n\n`);
    const split = bytes.indexOf(Buffer.from("🌍")) + 2;
    const server = await rawServer(async (res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(bytes.subarray(0, split));
      await new Promise((resolve) => setTimeout(resolve, 30));
      res.end(Buffer.concat([bytes.subarray(split), Buffer.from("data: [DONE]\n\n")]));
    });
    const splitting = new OpenAiProvider({ name: "raw", baseURL: server.baseURL, timeoutMs: 5_000 });
    try {
      expect(await collect(splitting)).toEqual([{ type: "delta", text: "naïve 🌍" }]);
    } finally {
      await splitting.close();
      await server.close();
    }
  });

  it("reads a stream that starts with a byte-order mark, even one split across chunks", async () => {
    const body = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "after the mark" }, finish_reason: "stop" }] })}\n\ndata: [DONE]\n\n`),
    ]);
    const server = await rawServer(async (res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(body.subarray(0, 2));
      await new Promise((resolve) => setTimeout(resolve, 30));
      res.end(body.subarray(2));
    });
    const marked = new OpenAiProvider({ name: "raw", baseURL: server.baseURL, timeoutMs: 5_000 });
    try {
      expect(await collect(marked)).toEqual([{ type: "delta", text: "after the mark" }]);
    } finally {
      await marked.close();
      await server.close();
    }
  });

  it("raises an error event sent mid-stream, and a stream that is not JSON", async () => {
    for (const [payload, expected] of [
      [JSON.stringify({ error: { message: "model overloaded" } }), /model overloaded/],
      ["<html>proxy error</html>", /not JSON/],
    ] as const) {
      const server = await rawServer((res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "Hi" } }] })}\n\n`);
        res.end(`data: ${payload}\n\n`);
      });
      const raw = new OpenAiProvider({ name: "raw", baseURL: server.baseURL, timeoutMs: 5_000 });
      try {
        const events: CompletionEvent[] = [];
        const failure = await (async () => {
          for await (const event of raw.stream(request())) events.push(event);
        })().catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(ProviderStreamError);
        expect((failure as Error).message).toMatch(expected);
        // The delta that came in the same network read as the failure is kept.
        expect(events).toEqual([{ type: "delta", text: "Hi" }]);
      } finally {
        await raw.close();
        await server.close();
      }
    }
  });

  it("fails a response that ends before the answer says it is over", async () => {
    const server = await rawServer((res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "Half an ans" }, finish_reason: null }] })}\n\n`);
    });
    const raw = new OpenAiProvider({ name: "raw", baseURL: server.baseURL, timeoutMs: 5_000 });
    try {
      await expect(collect(raw)).rejects.toBeInstanceOf(ProviderStreamError);
    } finally {
      await raw.close();
      await server.close();
    }
  });

  it("takes \"error\": null on a normal chunk as no error", async () => {
    const server = await rawServer((res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "Hi" } }], error: null })}\n\n`);
      res.end(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 }, error: null })}\n\ndata: [DONE]\n\n`);
    });
    const raw = new OpenAiProvider({ name: "raw", baseURL: server.baseURL, timeoutMs: 5_000 });
    try {
      expect(await collect(raw)).toEqual([
        { type: "delta", text: "Hi" },
        { type: "usage", tokensIn: 3, tokensOut: 1 },
      ]);
    } finally {
      await raw.close();
      await server.close();
    }
  });
});

describe("OpenAiProvider over HTTP/2 (h2c)", () => {
  let upstream: FakeUpstream;
  let provider: OpenAiProvider;
  beforeAll(async () => {
    upstream = await startFakeUpstream({}, { h2c: true });
    provider = new OpenAiProvider({ name: "h2", baseURL: upstream.h2cBaseURL!, apiKey: "sk-test", timeoutMs: 5_000, http2: true });
  });
  afterAll(async () => {
    await provider.close();
    await upstream.close();
  });
  beforeEach(() => upstream.reset());

  it("streams the same events, on an HTTP/2 stream", async () => {
    expect(await collect(provider)).toEqual(DEFAULT_ANSWER);
    expect(upstream.requests[0]!.headers[":method"]).toBe("POST");
    expect(upstream.requests[0]!.headers.authorization).toBe("Bearer sk-test");
  });

  it("carries 150 concurrent answers on two connections, at most 100 on each", async () => {
    upstream.reset({ chunks: 4, delayBeforeFirstMs: 500, delayBetweenMs: 20 });
    const pending: Array<Promise<CompletionEvent[]>> = [];
    for (let i = 0; i < 150; i++) {
      pending.push(collect(provider));
      // As chats arrive: undici gives a connection one new request per tick, and
      // opens another for a second request in the same tick.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const answers = await Promise.all(pending);
    for (const events of answers) expect(events.filter((event) => event.type === "delta")).toHaveLength(4);
    // Over HTTP/1.1 (or one stream per connection) this would be 150 ports.
    const perPort = new Map<number | undefined, number>();
    for (const sent of upstream.requests) perPort.set(sent.remotePort, (perPort.get(sent.remotePort) ?? 0) + 1);
    expect([...perPort.values()].sort((a, b) => b - a)).toEqual([100, 50]);
  });

  it("fails only the stream that breaks; the others on its connection go on", async () => {
    upstream.reset({ chunks: 10, delayBetweenMs: 20 });
    const healthy = collect(provider);
    await expect.poll(() => upstream.requests.length).toBe(1);
    upstream.behaviour = { ...upstream.behaviour, dropAfterChunks: 2 };
    const broken = await collect(provider).catch((error: unknown) => error);
    expect(broken).toBeInstanceOf(Error);
    expect((await healthy).filter((event) => event.type === "delta")).toHaveLength(10);
    expect(upstream.requests[0]!.remotePort).toBe(upstream.requests[1]!.remotePort);
  });

  it("cuts the stream when the caller aborts, and keeps the connection for the next answer", async () => {
    upstream.reset({ chunks: 50, delayBetweenMs: 20 });
    const controller = new AbortController();
    const failure = await (async () => {
      for await (const event of provider.stream(request({ signal: controller.signal }))) {
        if (event.type === "delta") controller.abort(new Error("caller left"));
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(await upstream.requests[0]!.aborted).toBe(true);
    upstream.behaviour = { ...upstream.behaviour, chunks: 2, delayBetweenMs: 0 };
    expect(await collect(provider)).toHaveLength(3);
    expect(upstream.requests[1]!.remotePort).toBe(upstream.requests[0]!.remotePort);
  });

  it("loses nothing when its reader falls far behind, and keeps the order", async () => {
    expect(await readFarBehind(provider, upstream)).toEqual(Array.from({ length: 2_000 }, (_, i) => `<${i}>`));
  });

  it("fails every answer on a connection that closes under them, none as complete", async () => {
    // undici ends the streams of a closed HTTP/2 session as if they had finished.
    const closing = await startFakeUpstream({ chunks: 10, delayBetweenMs: 50 }, { h2c: true });
    const onIt = new OpenAiProvider({ name: "h2", baseURL: closing.h2cBaseURL!, timeoutMs: 5_000, http2: true });
    try {
      await collect(onIt); // the connection is up, so the three below share it
      const answers = [1, 2, 3].map((i) => collect(onIt).then(() => `answer ${i} ended as complete`, (error: unknown) => error));
      await expect.poll(() => closing.requests.length).toBe(4);
      await new Promise((resolve) => setTimeout(resolve, 120));
      await closing.close();
      for (const outcome of await Promise.all(answers)) expect(outcome).toBeInstanceOf(Error);
      expect(new Set(closing.requests.map((sent) => sent.remotePort)).size).toBe(1);
    } finally {
      await onIt.close();
    }
  });

  it("reports an HTTP error with its status and the provider's message", async () => {
    upstream.reset({ failStatus: 503 });
    const failure = await collect(provider).catch((error: unknown) => error);
    expect(failure).toMatchObject({ status: 503, providerMessage: "fake upstream failure" });
  });
});
