// readJsonBody against a real node:http server: the body arrives in several
// chunks, the cap holds without a Content-Length, and a client that hangs up
// mid-body settles the read instead of leaving it pending.
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { PayloadTooLargeError, ValidationError } from "../errors.ts";
import { readJsonBody } from "./read-body.ts";

const MAX_BYTES = 64;

let server: http.Server | undefined;

/** Starts a server whose requests' bodies go to readJsonBody; resolves with each read's outcome in turn. */
async function serve(): Promise<{ port: number; next: () => Promise<PromiseSettledResult<unknown>> }> {
  const outcomes: Array<Promise<PromiseSettledResult<unknown>>> = [];
  const waiting: Array<(outcome: Promise<PromiseSettledResult<unknown>>) => void> = [];
  server = http.createServer((req, res) => {
    const outcome = readJsonBody(req, MAX_BYTES).then(
      (value) => ({ status: "fulfilled" as const, value }),
      (reason: unknown) => ({ status: "rejected" as const, reason }),
    );
    void outcome.then(() => res.end());
    const resolve = waiting.shift();
    if (resolve) resolve(outcome);
    else outcomes.push(outcome);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    next: () => outcomes.shift() ?? new Promise((resolve) => waiting.push(resolve)).then((outcome) => outcome as Promise<PromiseSettledResult<unknown>>),
  };
}

/** Sends a chunked POST, one write per part, pausing between them. */
function sendChunked(port: number, parts: string[], options: { hangUp?: boolean } = {}): void {
  const socket = net.connect(port, "127.0.0.1", async () => {
    socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (const part of parts) {
      socket.write(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    if (options.hangUp) socket.destroy();
    else socket.end("0\r\n\r\n");
  });
  socket.on("error", () => {});
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe("readJsonBody", () => {
  it("joins a body that arrives in several chunks", async () => {
    const { port, next } = await serve();
    sendChunked(port, ['{"message_id":', '"m1",', '"rating":1}']);
    expect(await next()).toEqual({ status: "fulfilled", value: { message_id: "m1", rating: 1 } });
  });

  it("refuses a body over the cap even without a Content-Length", async () => {
    const { port, next } = await serve();
    sendChunked(port, ['{"padding":"', "x".repeat(40), "x".repeat(40), '"}']);
    const outcome = await next();
    expect(outcome.status).toBe("rejected");
    expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(PayloadTooLargeError);
  });

  it("rejects, rather than hangs, when the client hangs up mid-body", async () => {
    const { port, next } = await serve();
    sendChunked(port, ['{"message_id":'], { hangUp: true });
    const outcome = await next();
    expect(outcome.status).toBe("rejected");
  });

  it("answers invalid JSON with a validation error", async () => {
    const { port, next } = await serve();
    sendChunked(port, ["{not json"]);
    const outcome = await next();
    expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(ValidationError);
  });

  it("settles a read that starts after the client has already hung up", async () => {
    let settled: Promise<PromiseSettledResult<unknown>> | undefined;
    const started = new Promise<void>((resolveStarted) => {
      server = http.createServer((req) => {
        // As when the key lookup before the body read takes a while.
        setTimeout(() => {
          settled = readJsonBody(req, MAX_BYTES).then(
            (value) => ({ status: "fulfilled" as const, value }),
            (reason: unknown) => ({ status: "rejected" as const, reason }),
          );
          resolveStarted();
        }, 100);
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const socket = net.connect((server!.address() as AddressInfo).port, "127.0.0.1", () => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"rating":1');
      setTimeout(() => socket.destroy(), 20);
    });
    socket.on("error", () => {});
    await started;
    const outcome = await Promise.race([settled!, new Promise((resolve) => setTimeout(() => resolve("pending"), 1_000))]);
    expect(outcome).toMatchObject({ status: "rejected" });
  });
});
