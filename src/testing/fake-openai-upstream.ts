// A fake LLM upstream that speaks OpenAI's chat-completions wire format over
// real HTTP, so tests and benchmarks exercise the production provider code. It
// records every request and whether the caller hung up early, and can be told
// to delay, fail before answering, or fail mid-stream. It speaks HTTP/1.1,
// and on request also HTTP/2 by prior knowledge (h2c) on a second port, or
// HTTPS on a third, where ALPN picks HTTP/2 or HTTP/1.1 as the client offers.
import http from "node:http";
import http2 from "node:http2";
import https from "node:https";
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
  /** Break the answer off after this many chunks: HTTP/1.1 loses the connection, HTTP/2 just the stream. */
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
  /** "1.1" or "2.0". */
  httpVersion: string;
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
  /** The same upstream over HTTP/2 with prior knowledge (h2c); null unless asked for. */
  h2cBaseURL: string | null;
  /** The same upstream over HTTPS (HTTP/2 or HTTP/1.1 by ALPN); null unless given a certificate. */
  tlsBaseURL: string | null;
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

/** The server's provider settings for a fake upstream: over h2c (LLM_HTTP2) where it listens for it, else HTTP/1.1. */
export function providerEnvFor(upstream: Pick<FakeUpstream, "baseURL" | "h2cBaseURL">): Record<string, string> {
  return upstream.h2cBaseURL ? { LLM_BASE_URL: upstream.h2cBaseURL, LLM_HTTP2: "true" } : { LLM_BASE_URL: upstream.baseURL, LLM_HTTP2: "false" };
}

type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;

/** What an answer needs of a response, in both HTTP versions. */
interface AnyResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: string): boolean;
  end(chunk: string): unknown;
  on(event: "close", listener: () => void): unknown;
}

/** HTTP/2's response has no `destroyed` of its own; its stream does. */
function isGone(res: AnyResponse): boolean {
  return "stream" in res ? (res as http2.Http2ServerResponse).stream.destroyed : (res as http.ServerResponse).destroyed;
}

/** Ends an answer abnormally: HTTP/1.1 loses the connection, HTTP/2 resets just this stream. */
function breakOff(res: AnyResponse): void {
  if ("stream" in res) (res as http2.Http2ServerResponse).stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
  else (res as http.ServerResponse).destroy();
}

export interface FakeUpstreamOptions {
  /** Also listen for HTTP/2 with prior knowledge (h2c), as `h2cBaseURL`. */
  h2c?: boolean;
  /** Also listen for HTTPS with this key and certificate (PEM), as `tlsBaseURL`; offering HTTP/2 unless `http2` is false. */
  tls?: { key: string; cert: string; http2?: boolean };
}

async function listen(server: http.Server | https.Server | http2.Http2Server | http2.Http2SecureServer, scheme = "http"): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return `${scheme}://127.0.0.1:${port}/v1`;
}

export async function startFakeUpstream(
  overrides: Partial<FakeUpstreamBehaviour> = {},
  options: FakeUpstreamOptions = {},
): Promise<FakeUpstream> {
  const upstream: FakeUpstream = {
    baseURL: "",
    h2cBaseURL: null,
    tlsBaseURL: null,
    requests: [],
    behaviour: { ...DEFAULT_BEHAVIOUR, ...overrides },
    reset(next = {}) {
      this.behaviour = { ...DEFAULT_BEHAVIOUR, ...next };
      this.requests.length = 0;
    },
    close: async () => {},
  };

  const answer = async (req: AnyRequest, res: AnyResponse) => {
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
      headers: req.headers as http.IncomingHttpHeaders,
      httpVersion: req.httpVersion,
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

    // HTTP/2 forbids connection-specific headers.
    const keepAlive: Record<string, string> = req.httpVersionMajor === 2 ? {} : { Connection: "keep-alive" };
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", ...keepAlive });
    await sleep(b.delayBeforeFirstMs);
    for (let i = 0; i < texts.length; i++) {
      if (isGone(res)) return;
      if (b.dropAfterChunks !== null && i === b.dropAfterChunks) {
        // Let the chunks already written reach the client before the connection dies.
        await sleep(20);
        breakOff(res);
        return;
      }
      const delta = i === 0 ? { role: "assistant", content: texts[i] } : { content: texts[i] };
      res.write(`data: ${chunkJson(id, body.model, delta, null)}\n\n`);
      if (i < texts.length - 1) await sleep(b.delayBetweenMs);
    }
    if (isGone(res)) return;
    res.write(`data: ${chunkJson(id, body.model, {}, "stop")}\n\n`);
    if (b.reportUsage && body.stream_options?.include_usage) {
      const usage = { prompt_tokens: b.promptTokens, completion_tokens: b.chunks, total_tokens: b.promptTokens + b.chunks };
      res.write(`data: ${chunkJson(id, body.model, {}, null, usage)}\n\n`);
    }
    finished = true;
    res.end("data: [DONE]\n\n");
  };
  const server = http.createServer(answer);
  server.keepAliveTimeout = 65_000;
  upstream.baseURL = await listen(server);

  // HTTP/2 sessions, and the HTTP/1.1 sockets a secure server hands to its fallback, closed on close().
  const open = new Set<{ destroy(): void }>();
  const track = <Server extends http2.Http2Server | http2.Http2SecureServer | https.Server>(server: Server): Server => {
    server.on("session", (session: http2.ServerHttp2Session) => {
      open.add(session);
      session.once("close", () => open.delete(session));
    });
    server.on("secureConnection", (socket: { destroy(): void; once(event: "close", listener: () => void): void }) => {
      open.add(socket);
      socket.once("close", () => open.delete(socket));
    });
    return server;
  };
  const h2c = options.h2c ? track(http2.createServer(answer)) : null;
  if (h2c) upstream.h2cBaseURL = await listen(h2c);
  const { http2: offerHttp2 = true, ...tls } = options.tls ?? {};
  const secure = !options.tls
    ? null
    : offerHttp2
      ? track(http2.createSecureServer({ ...tls, allowHTTP1: true }, answer))
      : track(https.createServer(tls, answer));
  if (secure) upstream.tlsBaseURL = await listen(secure, "https");

  const closeServer = (target: { close(callback: () => void): unknown }) => new Promise<void>((resolve) => target.close(() => resolve()));
  upstream.close = async () => {
    server.closeAllConnections();
    for (const connection of open) connection.destroy();
    await Promise.all([server, h2c, secure].flatMap((target) => (target ? [closeServer(target)] : [])));
  };
  return upstream;
}
