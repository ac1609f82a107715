// A fake LLM upstream that speaks OpenAI's chat-completions wire format over
// real HTTP, so tests and benchmarks exercise the production provider code. It
// records every request and whether the caller hung up early, and can be told
// to delay, fail before answering, or fail mid-stream.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeUpstreamBehaviour {
  /** Number of content chunks per answer. */
  chunks: number;
  /** Text of chunk i. */
  chunkText: (index: number) => string;
  delayBeforeFirstMs: number;
  delayBetweenMs: number;
  /** Send the final usage chunk when the request asks for it (stream_options.include_usage). */
  reportUsage: boolean;
  promptTokens: number;
  /** Fail with this HTTP status before streaming. */
  failStatus: number | null;
  /** Destroy the connection after this many chunks. */
  dropAfterChunks: number | null;
}

export interface RecordedRequest {
  body: {
    model: string;
    messages: Array<{ role: string; content: string }>;
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
    temperature?: number;
    max_tokens?: number;
  };
  headers: http.IncomingHttpHeaders;
  /** The caller's port: the same port on consecutive requests means a reused connection. */
  remotePort: number | undefined;
  /** Date.now() when the request's body had arrived. */
  receivedAt: number;
  /** Resolves with true if the client closed the connection before the answer ended. */
  aborted: Promise<boolean>;
  abortedAt: number | null;
}

export const DEFAULT_BEHAVIOUR: FakeUpstreamBehaviour = {
  chunks: 5,
  chunkText: (index) => (index === 0 ? "Hello" : ` part${index}`),
  delayBeforeFirstMs: 0,
  delayBetweenMs: 0,
  reportUsage: true,
  promptTokens: 21,
  failStatus: null,
  dropAfterChunks: null,
};

export interface FakeUpstream {
  /** Base URL for an OpenAI-compatible client (ends in /v1). */
  baseURL: string;
  requests: RecordedRequest[];
  behaviour: FakeUpstreamBehaviour;
  reset(overrides?: Partial<FakeUpstreamBehaviour>): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

function chunkJson(id: string, model: string, delta: object, finishReason: string | null, usage?: object) {
  return JSON.stringify({
    id,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: usage ? [] : [{ index: 0, delta, finish_reason: finishReason }],
    ...(usage ? { usage } : {}),
  });
}

export async function startFakeUpstream(overrides: Partial<FakeUpstreamBehaviour> = {}): Promise<FakeUpstream> {
  const upstream: FakeUpstream = {
    baseURL: "",
    requests: [],
    behaviour: { ...DEFAULT_BEHAVIOUR, ...overrides },
    reset(next = {}) {
      this.behaviour = { ...DEFAULT_BEHAVIOUR, ...next };
      this.requests.length = 0;
    },
    close: async () => {},
  };

  const server = http.createServer(async (req, res) => {
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
      return;
    }
    const raw: Buffer[] = [];
    for await (const chunk of req) raw.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(raw).toString("utf8")) as RecordedRequest["body"];
    let finished = false;
    let resolveAborted!: (value: boolean) => void;
    const recorded: RecordedRequest = {
      body,
      headers: req.headers,
      remotePort: req.socket.remotePort,
      receivedAt: Date.now(),
      aborted: new Promise((resolve) => (resolveAborted = resolve)),
      abortedAt: null,
    };
    upstream.requests.push(recorded);
    res.on("close", () => {
      if (!finished) recorded.abortedAt = Date.now();
      resolveAborted(!finished);
    });

    const b = upstream.behaviour;
    if (b.failStatus !== null) {
      finished = true;
      res.writeHead(b.failStatus, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: { message: "fake upstream failure", type: "server_error", code: null } }));
      return;
    }
    const id = `chatcmpl-fake-${upstream.requests.length}`;
    const texts = Array.from({ length: b.chunks }, (_, i) => b.chunkText(i));

    if (!body.stream) {
      finished = true;
      const content = texts.join("");
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
          usage: { prompt_tokens: b.promptTokens, completion_tokens: b.chunks, total_tokens: b.promptTokens + b.chunks },
        }),
      );
      return;
    }

    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive" });
    await sleep(b.delayBeforeFirstMs);
    for (let i = 0; i < texts.length; i++) {
      if (res.destroyed) return;
      if (b.dropAfterChunks !== null && i === b.dropAfterChunks) {
        // Let the chunks already written reach the client before the connection dies.
        await sleep(20);
        res.destroy();
        return;
      }
      const delta = i === 0 ? { role: "assistant", content: texts[i] } : { content: texts[i] };
      res.write(`data: ${chunkJson(id, body.model, delta, null)}\n\n`);
      if (i < texts.length - 1) await sleep(b.delayBetweenMs);
    }
    if (res.destroyed) return;
    res.write(`data: ${chunkJson(id, body.model, {}, "stop")}\n\n`);
    if (b.reportUsage && body.stream_options?.include_usage) {
      const usage = { prompt_tokens: b.promptTokens, completion_tokens: b.chunks, total_tokens: b.promptTokens + b.chunks };
      res.write(`data: ${chunkJson(id, body.model, {}, null, usage)}\n\n`);
    }
    finished = true;
    res.end("data: [DONE]\n\n");
  });
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  upstream.baseURL = `http://127.0.0.1:${port}/v1`;
  upstream.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return upstream;
}
