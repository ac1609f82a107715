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
  /** An event held to leave with the next one (sendWithNext). */
  private held: { event: string; data: unknown } | null = null;

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
    writeBodyChunk(this.res, this.heldFrame() + this.frame(event, data));
  }

  /**
   * Holds an event until the next one is sent, a heartbeat is due or the
   * stream ends, and writes both at once: for news that must not cost a
   * socket write of its own, which on a busy server is tens of microseconds.
   */
  sendWithNext(event: string, data: unknown): void {
    this.sendHeld();
    this.held = { event, data };
  }

  comment(text: string): void {
    if (!this.open) return;
    // A held event is news: it goes instead of the heartbeat.
    if (this.held) this.sendHeld();
    else writeBodyChunk(this.res, `: ${text}\n\n`);
  }

  end(): void {
    this.heartbeat.stop();
    this.sendHeld();
    if (this.open) this.res.end();
  }

  private frame(event: string, data: unknown): string {
    return `id: ${this.nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  }

  private sendHeld(): void {
    if (this.held === null || !this.open) return;
    this.heartbeat.sent();
    writeBodyChunk(this.res, this.heldFrame());
  }

  /** The held event's frame, now let go of, or nothing. */
  private heldFrame(): string {
    const held = this.held;
    if (held === null) return "";
    this.held = null;
    return this.frame(held.event, held.data);
  }
}
