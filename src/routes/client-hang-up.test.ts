// A hang-up is a close before the response finished; a finished response, or
// a watch that was stopped, never reports one.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ClientDisconnectedError } from "../services/chat.ts";
import { clientHangUp } from "./client-hang-up.ts";

type Handler = (res: http.ServerResponse) => void;
const servers: http.Server[] = [];

/** A server whose one request runs `handler`, and a client request to it that can be cut. */
async function exchange(handler: Handler) {
  const server = http.createServer((_req, res) => handler(res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const request = http.request({ port: (server.address() as AddressInfo).port, method: "POST", agent: false });
  request.on("error", () => {});
  request.end();
  return request;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe("clientHangUp", () => {
  it("stops with ClientDisconnectedError when the client goes away mid-response", async () => {
    const stopped = new Promise<unknown>((resolve) => {
      void exchange((res) => {
        res.write("partial");
        clientHangUp(res)(resolve);
      }).then((request) => request.on("response", () => request.destroy()));
    });
    expect(await stopped).toBeInstanceOf(ClientDisconnectedError);
  });

  it("says nothing once the response has finished", async () => {
    const calls: unknown[] = [];
    const closed = new Promise<void>((resolve) => {
      void exchange((res) => {
        clientHangUp(res)((reason) => calls.push(reason));
        res.on("close", () => setImmediate(resolve));
        res.end("done");
      });
    });
    await closed;
    expect(calls).toEqual([]);
  });

  it("stops at once when the client left before the watch began, and a stopped watch says nothing", async () => {
    const outcome = new Promise<{ late: unknown[]; stoppedWatch: unknown[] }>((resolve) => {
      void exchange((res) => {
        const stoppedWatch: unknown[] = [];
        const unwatch = clientHangUp(res)((reason) => stoppedWatch.push(reason));
        unwatch();
        res.write("partial");
        res.on("close", () => {
          const late: unknown[] = [];
          clientHangUp(res)((reason) => late.push(reason));
          resolve({ late, stoppedWatch });
        });
      }).then((request) => request.on("response", () => request.destroy()));
    });
    const { late, stoppedWatch } = await outcome;
    expect(late).toHaveLength(1);
    expect(late[0]).toBeInstanceOf(ClientDisconnectedError);
    expect(stoppedWatch).toEqual([]);
  });
});
