// A Server-Sent Events response: named events with increasing ids, and comment
// heartbeats so idle proxies and load balancers keep long streams open. A
// stream that sent an event since the last beat is not idle and skips it: at
// 5,000 open streams the beats were one write in thirty.
import type { ServerResponse } from "node:http";

export const HEARTBEAT_MS = 15_000;

export class SseStream {
  private nextId = 0;
  private sentSinceBeat = false;
  private readonly heartbeat: NodeJS.Timeout;

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
    res.writeHead(200, {
      ...headers,
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      // Tells nginx-style proxies not to buffer the stream.
      "X-Accel-Buffering": "no",
    });
    res.flushHeaders();
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs);
    this.heartbeat.unref();
  }

  get open(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }

  send(event: string, data: unknown): void {
    if (!this.open) return;
    this.sentSinceBeat = true;
    this.res.write(`id: ${this.nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private beat(): void {
    if (this.sentSinceBeat) this.sentSinceBeat = false;
    else this.comment("heartbeat");
  }

  comment(text: string): void {
    if (this.open) this.res.write(`: ${text}\n\n`);
  }

  end(): void {
    clearInterval(this.heartbeat);
    if (this.open) this.res.end();
  }
}
