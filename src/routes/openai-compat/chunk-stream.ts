// The SSE body of a streamed chat completion in OpenAI's framing: one
// `data: <chunk>` event per chunk and a final `data: [DONE]`. The status line
// and headers wait for the first chunk, so a provider that fails before
// answering still gets a real HTTP error status (502/503) instead of a 200
// stream with an error inside it.
import type { ServerResponse } from "node:http";
import { IdleHeartbeat } from "../../http/idle-heartbeat.ts";
import type { OpenAiErrorBody } from "./error-shape.ts";

const HEARTBEAT_MS = 15_000;

export class ChunkStream {
  private heartbeat: IdleHeartbeat | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly headers: Record<string, string>,
  ) {}

  /** True once the 200 and the first chunk have gone out. */
  get started(): boolean {
    return this.res.headersSent;
  }

  private get open(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }

  send(chunk: object): void {
    if (!this.open) return;
    if (!this.res.headersSent) this.start();
    this.heartbeat?.sent();
    this.res.write(`data: ${JSON.stringify(chunk)}\n\n`);
  }

  /** The normal end. */
  done(): void {
    if (this.open) this.res.write("data: [DONE]\n\n");
    this.end();
  }

  /** A failure after streaming began: an error event (OpenAI's SDKs raise it) and no [DONE]. */
  fail(body: OpenAiErrorBody): void {
    if (this.open) this.res.write(`data: ${JSON.stringify(body)}\n\n`);
    this.end();
  }

  end(): void {
    this.heartbeat?.stop();
    if (this.open) this.res.end();
  }

  private start(): void {
    this.res.writeHead(200, {
      ...this.headers,
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      // Tells nginx-style proxies not to buffer the stream.
      "X-Accel-Buffering": "no",
    });
    // SSE comments keep idle proxies from closing a slow stream; SSE clients skip them.
    const heartbeat = new IdleHeartbeat(HEARTBEAT_MS, () => {
      if (this.open) this.res.write(": keep-alive\n\n");
    });
    this.heartbeat = heartbeat;
    this.res.once("close", () => heartbeat.stop());
  }
}
