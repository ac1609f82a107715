import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { SseStream } from "./sse.ts";

describe("SseStream", () => {
  it("numbers events and sends heartbeat comments while idle", async () => {
    const server = http.createServer((_req, res) => {
      const sse = new SseStream(res, { "X-Extra": "1" }, 40);
      sse.send("meta", { a: 1 });
      setTimeout(() => {
        sse.send("done", { b: 2 });
        sse.end();
      }, 250);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("x-extra")).toBe("1");
    const text = await response.text();
    server.close();
    expect(text.startsWith('id: 0\nevent: meta\ndata: {"a":1}\n\n')).toBe(true);
    expect(text.match(/^: heartbeat$/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text.endsWith('id: 1\nevent: done\ndata: {"b":2}\n\n')).toBe(true);
  });

  it("skips the heartbeat while events flow", async () => {
    const server = http.createServer((_req, res) => {
      const sse = new SseStream(res, {}, 100);
      let sent = 0;
      const events = setInterval(() => {
        sse.send("delta", { n: sent++ });
        if (sent === 30) {
          clearInterval(events);
          sse.end();
        }
      }, 10);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const text = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).text();
    server.close();
    expect(text.match(/^event: delta$/gm)).toHaveLength(30);
    expect(text).not.toContain(": heartbeat");
  });
});

/** The raw bytes of one GET, each socket read with its arrival time. */
async function rawReads(handler: http.RequestListener): Promise<{ at: number; text: string }[]> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const reads: { at: number; text: string }[] = [];
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect((server.address() as AddressInfo).port, "127.0.0.1", () => {
      socket.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    });
    socket.on("data", (chunk: Buffer) => {
      reads.push({ at: performance.now(), text: chunk.toString() });
      // The last chunk of the body: SseStream asks for keep-alive, so the server would not close.
      if (reads.map((read) => read.text).join("").endsWith("\r\n0\r\n\r\n")) {
        socket.destroy();
        resolve();
      }
    });
    socket.on("error", reject);
  });
  server.close();
  return reads;
}

describe("SseStream.sendWithNext", () => {
  it("holds the event until the next one and sends both in one chunk, in order", async () => {
    let heldAt = 0;
    const reads = await rawReads((_req, res) => {
      const sse = new SseStream(res);
      sse.send("meta", { a: 1 });
      setTimeout(() => {
        heldAt = performance.now();
        sse.sendWithNext("estimate", { tokens: 7 });
        setTimeout(() => {
          sse.send("delta", { text: "hi" });
          sse.end();
        }, 150);
      }, 20);
    });
    const both = 'id: 1\nevent: estimate\ndata: {"tokens":7}\n\nid: 2\nevent: delta\ndata: {"text":"hi"}\n\n';
    const withEstimate = reads.find((read) => read.text.includes("event: estimate"))!;
    // One HTTP chunk: its size line counts both frames.
    expect(withEstimate.text).toContain(`${Buffer.byteLength(both).toString(16)}\r\n${both}\r\n`);
    expect(withEstimate.at - heldAt).toBeGreaterThanOrEqual(140);
  });

  it("lets a held event go at the end of the stream, or instead of a heartbeat", async () => {
    const atEnd = await rawReads((_req, res) => {
      const sse = new SseStream(res);
      sse.sendWithNext("estimate", { tokens: 1 });
      setTimeout(() => sse.end(), 20);
    });
    expect(atEnd.map((read) => read.text).join("")).toContain('id: 0\nevent: estimate\ndata: {"tokens":1}\n\n');

    let heldAt = 0;
    const idle = await rawReads((_req, res) => {
      const sse = new SseStream(res, {}, 60);
      setTimeout(() => {
        heldAt = performance.now();
        sse.sendWithNext("estimate", { tokens: 2 });
      }, 10);
      setTimeout(() => sse.end(), 400);
    });
    const text = idle.map((read) => read.text).join("");
    expect(text).toContain('id: 0\nevent: estimate\ndata: {"tokens":2}\n\n');
    const withEstimate = idle.find((read) => read.text.includes("event: estimate"))!;
    // At the first heartbeat (every 60 ms here), and in its place: the
    // heartbeats start only after it, once the stream is idle again.
    expect(withEstimate.at - heldAt).toBeLessThan(200);
    expect(withEstimate.text).not.toContain(": heartbeat");
    const firstHeartbeat = text.indexOf(": heartbeat");
    expect(firstHeartbeat).toBeGreaterThan(text.indexOf("event: estimate"));
  });

  it("sends an earlier held event at once when another is held", async () => {
    const reads = await rawReads((_req, res) => {
      const sse = new SseStream(res);
      sse.sendWithNext("first", { n: 1 });
      sse.sendWithNext("second", { n: 2 });
      sse.send("third", { n: 3 });
      sse.end();
    });
    const text = reads.map((read) => read.text).join("");
    expect([...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1])).toEqual(["first", "second", "third"]);
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((match) => match[1])).toEqual(["0", "1", "2"]);
  });
});

describe("server timeouts", () => {
  it("keeps idle connections longer than a 60 s load balancer does", () => {
    const server = createApp({ config: { CLIENT_DIST_DIR: "dist/client", MAX_BODY_BYTES: 1, MAX_MESSAGE_CHARS: 1 } } as never);
    expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  });
});

describe("SseStream batching", () => {
  it("sends the headers and the events of the first tick in one socket write", async () => {
    const writesPerResponse: number[] = [];
    const server = http.createServer((req, res) => {
      // Count what the socket hands to the operating system: _write for one buffer, _writev for many.
      const socket = req.socket as unknown as Record<"_write" | "_writev", (...args: unknown[]) => void>;
      let writes = 0;
      for (const method of ["_write", "_writev"] as const) {
        const original = socket[method].bind(socket);
        socket[method] = (...args: unknown[]) => {
          writes++;
          original(...args);
        };
      }
      const sse = new SseStream(res);
      sse.send("meta", { id: 1 });
      sse.send("delta", { text: "a" });
      setImmediate(() => {
        writesPerResponse.push(writes);
        sse.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const text = await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)).text();
    server.close();
    expect(text).toBe('id: 0\nevent: meta\ndata: {"id":1}\n\nid: 1\nevent: delta\ndata: {"text":"a"}\n\n');
    expect(writesPerResponse).toEqual([1]);
  });
});
