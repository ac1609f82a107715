// writeBodyChunk on the wire: what a raw client reads must be what
// ServerResponse.write would have sent, in every state a response can be in.
import http, { type ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { writeBodyChunk } from "./body-chunk.ts";

let server: http.Server | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = null;
});

async function serve(handler: (res: ServerResponse, path: string) => void): Promise<number> {
  server = http.createServer((req, res) => handler(res, req.url ?? ""));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Sends `requests` in one write and reads until the server closes the connection or `until` matches. */
async function rawExchange(port: number, requests: string, until: RegExp): Promise<string> {
  const socket = net.connect(port, "127.0.0.1");
  let received = "";
  socket.write(requests);
  await new Promise<void>((resolve, reject) => {
    socket.on("data", (data) => {
      received += data.toString("utf8");
      if (until.test(received)) resolve();
    });
    socket.on("end", resolve);
    socket.on("error", reject);
  });
  socket.destroy();
  return received;
}

const bodyOf = (response: string) => response.slice(response.indexOf("\r\n\r\n") + 4);
const get = (path: string, version = "1.1") => `GET ${path} HTTP/${version}\r\nHost: x\r\n\r\n`;

describe("writeBodyChunk", () => {
  it("frames each piece as one chunk of its UTF-8 length, and skips empty pieces, which would end the body", async () => {
    const port = await serve((res) => {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.flushHeaders();
      writeBodyChunk(res, "héllo ☃");
      writeBodyChunk(res, "");
      setTimeout(() => {
        writeBodyChunk(res, "world");
        res.end();
      }, 20);
    });
    const response = await rawExchange(port, get("/"), /0\r\n\r\n$/);
    expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(response).toContain("Transfer-Encoding: chunked");
    expect(bodyOf(response)).toBe("a\r\nhéllo ☃\r\n5\r\nworld\r\n0\r\n\r\n");
    // And an HTTP client reads it back whole.
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("héllo ☃world");
  });

  it("hands the pieces written in one tick to the socket together, and a later one on its own", async () => {
    const writes: number[] = [];
    const port = await serve((res) => {
      res.writeHead(200);
      res.flushHeaders();
      setTimeout(() => {
        // Counted from here: the head went out before.
        const socket = res.socket as unknown as { _writev: (chunks: unknown[], cb: unknown) => void; _write: (...args: unknown[]) => void };
        const writev = socket._writev.bind(socket);
        const write = socket._write.bind(socket);
        socket._writev = (chunks, cb) => (writes.push(chunks.length), writev(chunks, cb));
        socket._write = (...args) => (writes.push(1), write(...args));
        for (const piece of ["one ", "two ", "three"]) writeBodyChunk(res, piece);
        setTimeout(() => {
          writeBodyChunk(res, " four");
          setTimeout(() => res.end(), 10);
        }, 10);
      }, 10);
    });
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("one two three four");
    expect(writes.slice(0, 2)).toEqual([3, 1]);
  });

  it("sends the head first when it has not gone out yet", async () => {
    const port = await serve((res) => {
      res.setHeader("x-early", "1");
      writeBodyChunk(res, "first");
      writeBodyChunk(res, "second");
      res.end();
    });
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.headers.get("x-early")).toBe("1");
    expect(await response.text()).toBe("firstsecond");
  });

  it("writes the bare body to an HTTP/1.0 client, which gets no chunks", async () => {
    const port = await serve((res) => {
      res.writeHead(200);
      res.flushHeaders();
      writeBodyChunk(res, "plain ");
      writeBodyChunk(res, "bytes");
      res.end();
    });
    const response = await rawExchange(port, get("/", "1.0"), /bytes$/);
    expect(response).not.toContain("Transfer-Encoding");
    expect(bodyOf(response)).toBe("plain bytes");
  });

  it("keeps pipelined responses in order: one waiting its turn writes after the one before it ends", async () => {
    const port = await serve((res, path) => {
      res.writeHead(200);
      res.flushHeaders();
      if (path === "/slow") {
        writeBodyChunk(res, "slow-1 ");
        setTimeout(() => {
          writeBodyChunk(res, "slow-2");
          res.end();
        }, 50);
      } else {
        writeBodyChunk(res, "fast");
        res.end();
      }
    });
    const response = await rawExchange(port, get("/slow") + get("/fast"), /4\r\nfast\r\n0\r\n\r\n$/);
    const [first, second] = response.split(/(?=HTTP\/1\.1 200)/);
    expect(bodyOf(first!)).toBe("7\r\nslow-1 \r\n6\r\nslow-2\r\n0\r\n\r\n");
    expect(bodyOf(second!)).toBe("4\r\nfast\r\n0\r\n\r\n");
  });
});
