// A Server-Sent Events response: named events with increasing ids, and comment
// heartbeats while idle so proxies and load balancers keep long streams open.
import type { ServerResponse } from "node:http";
import { writeBodyChunk } from "./body-chunk.ts";
import { IdleHeartbeat } from "./idle-heartbeat.ts";
import { extended } from "../extended.ts";

export const HEARTBEAT_MS = 15_000;

export class SseStream {
  private nextId = 0;
  private readonly heartbeat: IdleHeartbeat;

  constructor(
    private readonly res: ServerResponse,
    headers: Record<string, string> = {},
    heartbeatMs: number = HEARTBEAT_MS,
  ) {
    // The headers and the events written in this same tick (the chat's meta)
    // leave in one socket write instead of two: Node batches a tick's body
    // writes by itself, but flushHeaders() alone would go out on its own.
    res.cork();
    process.nextTick(() => res.uncork());
    res.writeHead(
      200,
      extended(headers, {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-transform",
        Connection: "keep-alive",
        // Tells nginx-style proxies not to buffer the stream.
        "X-Accel-Buffering": "no",
      }),
    );
    res.flushHeaders();
    this.heartbeat = new IdleHeartbeat(heartbeatMs, () => this.comment("heartbeat"));
  }

  get open(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }

  send(event: string, data: unknown): void {
    if (!this.open) return;
    this.heartbeat.sent();
    writeBodyChunk(this.res, `id: ${this.nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  comment(text: string): void {
    if (this.open) writeBodyChunk(this.res, `: ${text}\n\n`);
  }

  end(): void {
    this.heartbeat.stop();
    if (this.open) this.res.end();
  }
}
