// Sends POST /feedback over a bounded pool of keep-alive connections, the way a
// busy front end would, and reports each answer's status and latency.
import http from "node:http";
import { performance } from "node:perf_hooks";

export interface RatingResponse {
  status: number;
  body: string;
  latencyMs: number;
}

export function createRatingClient(baseUrl: string, maxSockets = 64) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const url = new URL("/feedback", baseUrl);
  return {
    send(apiKey: string, messageId: string, rating: 1 | -1): Promise<RatingResponse> {
      const started = performance.now();
      const payload = JSON.stringify({ message_id: messageId, rating });
      return new Promise((resolve, reject) => {
        const request = http.request(
          url,
          {
            method: "POST",
            agent,
            headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), "x-api-key": apiKey },
          },
          (response) => {
            let body = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => (body += chunk));
            response.on("end", () => resolve({ status: response.statusCode ?? 0, body, latencyMs: performance.now() - started }));
            response.on("error", reject);
          },
        );
        request.on("error", reject);
        request.end(payload);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
