// The connections to one provider: undici's keep-alive pool, over HTTP/1.1 (a
// connection per answer in flight) or, with LLM_HTTP2, over HTTP/2 (up to
// HTTP2_STREAMS_PER_CONNECTION answers per connection).
import type { TLSSocket } from "node:tls";
import { buildConnector, H2CClient, Pool } from "undici";

/**
 * Answers per HTTP/2 connection before the pool opens another. undici does not
 * lower it to the server's SETTINGS_MAX_CONCURRENT_STREAMS (answers beyond
 * that would wait), so it stays at or below what common servers allow:
 * undici's own default, under nginx's 128 and Go's 250.
 */
export const HTTP2_STREAMS_PER_CONNECTION = 100;

class Http2NotNegotiatedError extends Error {
  constructor(origin: string, protocol: string | false | null) {
    super(`LLM_HTTP2 is set, but ${origin} did not agree to HTTP/2 (ALPN chose ${protocol || "nothing"}); unset it for this provider`);
    this.name = "Http2NotNegotiatedError";
  }
}

/**
 * Over https the server may answer ALPN with HTTP/1.1, where this pool's
 * settings would pipeline completions on one connection: an answer would wait
 * for the one before it, and a request caught by a dropped connection could
 * be sent again. Such a connection is refused, loudly, instead.
 */
function http2Only(connect: buildConnector.connector): buildConnector.connector {
  return (options, callback) =>
    connect(options, (...result) => {
      const [error, socket] = result;
      if (error) return callback(...result);
      const protocol = (socket as TLSSocket).alpnProtocol;
      if (protocol === "h2") return callback(...result);
      socket.destroy();
      callback(new Http2NotNegotiatedError(`${options.protocol}//${options.hostname}:${options.port}`, protocol), null);
    });
}

export function providerPool(origin: URL, options: { timeoutMs: number; http2: boolean }): Pool {
  const timeouts = { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs };
  if (!options.http2) return new Pool(origin.origin, timeouts);
  const http2 = { ...timeouts, maxConcurrentStreams: HTTP2_STREAMS_PER_CONNECTION, pipelining: HTTP2_STREAMS_PER_CONNECTION };
  // Over plain http there is nothing to negotiate: h2c by prior knowledge. The
  // pool's own connector would speak HTTP/1.1, so the client builds its own.
  if (origin.protocol === "http:") return new Pool(origin.origin, { factory: (at) => new H2CClient(at, http2) });
  return new Pool(origin.origin, { ...http2, allowH2: true, connect: http2Only(buildConnector({ allowH2: true })) });
}
