// Sends POST /feedback over a bounded pool of keep-alive connections, the way a
// busy front end (or a proxy in front of PromptLab) would, and reports each
// answer's status and latency. Built on undici's dispatch (no response stream
// object per request) rather than node:http's client: the latter spends so much
// CPU per request that on a 2-core machine it could not offer 5,000 ratings a
// second even to a server doing nothing. With `pipelining` above 1 a connection
// carries several requests before their answers come back (HTTP/1.1
// pipelining, which node:http servers answer in order).
import { performance } from "node:perf_hooks";
import { Pool } from "undici";

export interface RatingResponse {
  status: number;
  body: string;
  latencyMs: number;
}

export function createRatingClient(baseUrl: string, connections = 64, pipelining = 1) {
  const pool = new Pool(new URL(baseUrl).origin, {
    connections,
    pipelining,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
  });
  return {
    send(apiKey: string, messageId: string, rating: 1 | -1): Promise<RatingResponse> {
      const started = performance.now();
      return new Promise((resolve, reject) => {
        let status = 0;
        const chunks: Buffer[] = [];
        pool.dispatch(
          {
            path: "/feedback",
            method: "POST",
            headers: { "content-type": "application/json", "x-api-key": apiKey },
            body: JSON.stringify({ message_id: messageId, rating }),
          },
          {
            // Its presence tells undici this handler speaks the current (controller) interface.
            onRequestStart: () => {},
            onResponseStart: (_controller, statusCode) => {
              status = statusCode;
            },
            onResponseData: (_controller, chunk) => {
              chunks.push(chunk);
            },
            onResponseEnd: () => {
              resolve({ status, body: Buffer.concat(chunks).toString("utf8"), latencyMs: performance.now() - started });
            },
            onResponseError: (_controller, error) => reject(error),
          },
        );
      });
    },
    close(): Promise<void> {
      return pool.close();
    },
  };
}
