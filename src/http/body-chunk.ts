// One piece of a long streamed response body, framed as an HTTP/1.1 chunk and
// handed to the socket as one buffer. ServerResponse.write makes every piece
// four (the size line, a CRLF, the data, a CRLF): four Writable.write calls
// and a writev of four buffers per SSE frame, on the path every frame of every
// open stream takes. Framed here, 2,000 SSE responses at 10,000 frames/s cost
// a Node server 15.6-17.9 µs of CPU per frame against 22.5-23.7 µs through
// ServerResponse (docs/BENCHMARKS.md, session 10). Like ServerResponse, the
// socket stays corked until the tick ends, so the pieces written in one tick
// (a burst of deltas that arrived together) still leave in one system call:
// uncorked, a burst of 20 cost 14-15 µs per frame against 8.5-9.6 corked.
import type { Socket } from "node:net";
import type { ServerResponse } from "node:http";

/**
 * Writes `text` as the response's next body bytes. The socket is written
 * directly only where that is exactly what ServerResponse would send: its
 * head is out, it frames the body in chunks, and it owns the socket (a
 * pipelined response waiting its turn has none, and buffers in
 * ServerResponse, so its order is kept by writing through it too).
 *
 * The caller must have sent the head with flushHeaders(), as SseStream does:
 * ServerResponse's headersSent is true from writeHead() on, while the head
 * still waits for the first body write to carry it, so a piece written
 * straight to the socket then would go out before it.
 */
export function writeBodyChunk(res: ServerResponse, text: string): void {
  // An empty chunk is the end of a chunked body; ServerResponse sends nothing for it.
  if (text.length === 0) return;
  const socket = res.socket;
  if (!res.headersSent || !res.chunkedEncoding || socket === null || res.writableEnded) {
    res.write(text);
    return;
  }
  if (!socket.writableCorked) {
    socket.cork();
    process.nextTick(uncork, socket);
  }
  socket.write(`${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`);
}

function uncork(socket: Socket): void {
  socket.uncork();
}
