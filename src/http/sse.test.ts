import http from "node:http";
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
