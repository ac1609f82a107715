// The sidecar client against a real sidecar, a closed port, a server that
// never answers, one that stalls mid-body, and no sidecar at all: callers must always get an answer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from "node:net";
import { pino, type Logger } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSidecarServer } from "../../sidecar/app.ts";
import { priceCall } from "../../sidecar/pricing.ts";
import {
  createRateLimitedWarn,
  createTokenCounter,
  estimateChatTokens,
  estimateTextTokens,
  type ChatMessage,
} from "./token-counter.ts";

type LogLine = { level: number; msg: string; reason?: string; suppressed?: number };

function captureLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level: "warn" }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { log, lines };
}

function portOf(server: Server | TcpServer): number {
  return (server.address() as AddressInfo).port;
}

function listen(server: Server | TcpServer): Promise<void> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
}

/** A raw TCP server whose connections are tracked, so close() also ends the ones a test left hanging. */
async function startRawServer(onSocket: (socket: Socket) => void = () => {}): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    onSocket(socket);
  });
  await listen(server);
  return {
    url: `http://127.0.0.1:${portOf(server)}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const birthday = "お誕生日おめでとう"; // 8 tokens in o200k_base, 9 characters
const chat: ChatMessage[] = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "tiktoken is great!", name: "bob" },
];

describe("estimates", () => {
  it("assumes about 4 characters per token, rounding up", () => {
    expect(estimateTextTokens("")).toBe(0);
    expect(estimateTextTokens("abcd")).toBe(1);
    expect(estimateTextTokens("abcde")).toBe(2);
  });

  it("applies the same chat framing as the sidecar", () => {
    // 3 priming + per message 3: system(2)+content(4) | user(1)+content(5)+1 name+"bob"(1)
    expect(estimateChatTokens(chat)).toBe(3 + (3 + 2 + 4) + (3 + 1 + 5 + 1 + 1));
  });
});

describe("rate-limited warn", () => {
  it("emits one warn per interval and reports how many were suppressed", () => {
    const { log, lines } = captureLogger();
    let now = 0;
    const warn = createRateLimitedWarn(log, 10_000, () => now);
    warn({}, "down");
    now = 5_000;
    warn({}, "down");
    warn({}, "down");
    expect(lines).toHaveLength(1);
    now = 10_000;
    warn({}, "down");
    expect(lines.map((line) => line.suppressed)).toEqual([0, 2]);
  });
});

describe("with a live sidecar", () => {
  let sidecar: Server;
  let baseUrl: string;

  beforeAll(async () => {
    sidecar = createSidecarServer();
    await listen(sidecar);
    baseUrl = `http://127.0.0.1:${portOf(sidecar)}/`; // trailing slash on purpose
  });

  afterAll(async () => {
    sidecar.closeAllConnections();
    await new Promise((resolve) => sidecar.close(resolve));
  });

  it("uses the sidecar for counts and health, and prices from the same table locally", async () => {
    const { log, lines } = captureLogger();
    const counter = createTokenCounter({ baseUrl, timeoutMs: 2_000, log });

    expect(await counter.countText("gpt-4o", birthday)).toEqual({ tokens: 8, source: "sidecar" });
    // 3 + (3 + "system" 1 + "You are terse." 4) + (3 + "user" 1 + 6 + 1 + "bob" 1)
    expect(await counter.countChat("gpt-4o", chat)).toEqual({ tokens: 23, source: "sidecar" });
    expect(await counter.price("gpt-4o-mini", 100, 0)).toEqual({ costUsd: "0.0000150000", source: "local" });
    expect(await counter.health()).toBe("ok");
    expect(lines).toEqual([]);
  });

  it("sends the counts of chats that arrive together as one request, each with its own answer", async () => {
    const paths: string[] = [];
    const record = (req: IncomingMessage) => paths.push(req.url ?? "");
    sidecar.on("request", record);
    try {
      const { log, lines } = captureLogger();
      const counter = createTokenCounter({ baseUrl, timeoutMs: 2_000, log });
      const texts = Array.from({ length: 20 }, (_, i) => `${birthday} ${"word ".repeat(i)}`);
      const together = await Promise.all([
        counter.countChat("gpt-4o", chat),
        ...texts.map((text) => counter.countText("gpt-4o", text)),
        // The sidecar refuses this item alone: an empty model name.
        counter.countText(" ", "a bad model name"),
      ]);
      // The first two went alone (two requests may be in flight); the other 20 waited and went together.
      expect(paths).toEqual(["/count", "/count", "/count/batch"]);

      const alone: unknown[] = [];
      for (const text of texts) alone.push(await counter.countText("gpt-4o", text));
      expect(together).toEqual([
        { tokens: 23, source: "sidecar" },
        ...alone,
        { tokens: estimateTextTokens("a bad model name"), source: "fallback" },
      ]);
      expect(new Set(alone.map((count) => (count as { tokens: number }).tokens)).size).toBe(texts.length);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ reason: "invalid_request" });
    } finally {
      sidecar.off("request", record);
    }
  });

  it("keeps every batch inside the sidecar's body limit, however many messages the chats carry", async () => {
    const statuses: number[] = [];
    const record = (_req: IncomingMessage, res: ServerResponse) => res.on("finish", () => statuses.push(res.statusCode));
    sidecar.on("request", record);
    try {
      const { log, lines } = captureLogger();
      const counter = createTokenCounter({ baseUrl, timeoutMs: 5_000, log });
      // Empty messages: almost no text, but each adds its JSON framing to the body
      // (256 such chats in one body would be 2.2 MB, over the sidecar's 2 MiB).
      const many = Array.from({ length: 290 }, () => ({ role: "user", content: "" }));
      const results = await Promise.all(Array.from({ length: 256 }, () => counter.countChat("gpt-4o", many)));
      expect(results.every((result) => result.source === "sidecar")).toBe(true);
      expect(new Set(statuses)).toEqual(new Set([200]));
      expect(lines).toEqual([]);
    } finally {
      sidecar.off("request", record);
    }
  });

  it("prices an unknown model as null, an answer rather than an outage", async () => {
    const { log, lines } = captureLogger();
    const counter = createTokenCounter({ baseUrl, timeoutMs: 2_000, log });
    expect(await counter.price("mystery-1", 1, 1)).toEqual({ costUsd: null, source: "local" });
    expect(lines).toEqual([]);
  });

  it("rejects invalid token counts before calling out", async () => {
    const { log } = captureLogger();
    const counter = createTokenCounter({ baseUrl, timeoutMs: 2_000, log });
    await expect(counter.price("gpt-4o", -1, 0)).rejects.toThrow(RangeError);
  });
});

/** A stand-in sidecar that counts a text as its length, records the paths asked for, and can be slow once or lack /count/batch. */
async function startScriptedSidecar(options: { firstAnswerAfterMs?: number; batchEndpoint: boolean }) {
  const paths: string[] = [];
  let answered = 0;
  const server = createServer((req, res) => {
    paths.push(req.url ?? "");
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(parts).toString()) as { text?: string; items?: Array<{ text: string }> };
      const delay = answered++ === 0 ? (options.firstAnswerAfterMs ?? 0) : 0;
      setTimeout(() => {
        const [status, answer] =
          req.url === "/count"
            ? [200, { tokens: body.text!.length }]
            : req.url === "/count/batch" && options.batchEndpoint
              ? [200, { counts: body.items!.map((item) => ({ tokens: item.text.length })) }]
              : [404, { error: { code: "not_found", message: "No such route" } }];
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(answer));
      }, delay);
    });
  });
  await listen(server);
  return {
    url: `http://127.0.0.1:${portOf(server)}`,
    paths,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("with a sidecar that answers one count slowly, or has no batch endpoint", () => {
  const texts = Array.from({ length: 20 }, (_, i) => "x".repeat(i + 1));

  it("does not hold the other counts behind the slow one", async () => {
    const sidecar = await startScriptedSidecar({ firstAnswerAfterMs: 400, batchEndpoint: true });
    try {
      const { log } = captureLogger();
      const counter = createTokenCounter({ baseUrl: sidecar.url, timeoutMs: 150, log });
      const results = await Promise.all(texts.map((text) => counter.countText("gpt-4o", text)));
      // Only the slow one falls back; the others go past it on the second way in.
      expect(results.filter((result) => result.source === "fallback")).toHaveLength(1);
      expect(results.slice(1)).toEqual(texts.slice(1).map((text) => ({ tokens: text.length, source: "sidecar" })));
    } finally {
      await sidecar.close();
    }
  });

  it("sends a long prompt's count on its own, outside the batches", async () => {
    const sidecar = await startScriptedSidecar({ batchEndpoint: true });
    try {
      const { log } = captureLogger();
      const counter = createTokenCounter({ baseUrl: sidecar.url, timeoutMs: 2_000, log });
      const long = "y".repeat(70_000);
      const results = await Promise.all([long, ...texts.slice(0, 5)].map((text) => counter.countText("gpt-4o", text)));
      expect(results.map((result) => result.tokens)).toEqual([70_000, 1, 2, 3, 4, 5]);
      // The long one alone, then two short ones on the two ways in, then the other three together.
      expect(sidecar.paths.sort()).toEqual(["/count", "/count", "/count", "/count/batch"]);
    } finally {
      await sidecar.close();
    }
  });

  it("counts one by one with an older sidecar, and stops asking it for batches", async () => {
    const sidecar = await startScriptedSidecar({ batchEndpoint: false });
    try {
      const { log, lines } = captureLogger();
      const counter = createTokenCounter({ baseUrl: sidecar.url, timeoutMs: 2_000, log });
      for (let round = 0; round < 2; round++) {
        const results = await Promise.all(texts.map((text) => counter.countText("gpt-4o", text)));
        expect(results).toEqual(texts.map((text) => ({ tokens: text.length, source: "sidecar" })));
      }
      expect(sidecar.paths.filter((path) => path === "/count/batch")).toHaveLength(1);
      expect(lines).toMatchObject([{ msg: "token sidecar has no POST /count/batch; sending counts one by one" }]);
    } finally {
      await sidecar.close();
    }
  });
});

describe("with nothing listening", () => {
  let closedPortUrl: string;

  beforeAll(async () => {
    const probe = createTcpServer();
    await listen(probe);
    closedPortUrl = `http://127.0.0.1:${portOf(probe)}`;
    await new Promise((resolve) => probe.close(resolve));
  });

  it("falls back and warns once for a burst of failures", async () => {
    const { log, lines } = captureLogger();
    const counter = createTokenCounter({ baseUrl: closedPortUrl, timeoutMs: 2_000, log });

    expect(await counter.countText("gpt-4o", birthday)).toEqual({ tokens: 3, source: "fallback" });
    expect(await counter.countChat("gpt-4o", chat)).toEqual({ tokens: estimateChatTokens(chat), source: "fallback" });
    // Same table as the sidecar, so the cost is exact with the sidecar down.
    expect(await counter.price("gpt-4o", 1000, 500)).toEqual({ costUsd: "0.0075000000", source: "local" });
    expect(await counter.price("mystery-1", 1, 1)).toEqual({ costUsd: null, source: "local" });
    expect(await counter.health()).toBe("down");

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, reason: "ECONNREFUSED", suppressed: 0 });
  });
});

describe("with a sidecar that accepts and never answers", () => {
  let blackHole: Awaited<ReturnType<typeof startRawServer>>;

  beforeAll(async () => {
    blackHole = await startRawServer();
  });

  afterAll(() => blackHole.close());

  it("falls back within the timeout plus a small margin", async () => {
    const timeoutMs = 200;
    const { log, lines } = captureLogger();
    const counter = createTokenCounter({ baseUrl: blackHole.url, timeoutMs, log });

    const cases: Array<[() => Promise<unknown>, unknown]> = [
      [() => counter.countText("gpt-4o", birthday), { tokens: 3, source: "fallback" }],
      [() => counter.health(), "down"],
    ];
    for (const [call, expected] of cases) {
      const startedAt = performance.now();
      const result = await call();
      const elapsed = performance.now() - startedAt;
      expect(result).toEqual(expected);
      // It must actually wait for the timeout, then give up promptly.
      expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 20);
      expect(elapsed).toBeLessThan(timeoutMs + 250);
    }
    expect(lines[0]).toMatchObject({ reason: "timeout" });
  });

  it("gives each of many waiting counts its own deadline, not one after another's", async () => {
    const timeoutMs = 300;
    const { log } = captureLogger();
    const counter = createTokenCounter({ baseUrl: blackHole.url, timeoutMs, log });
    const startedAt = performance.now();
    // One goes out and hangs; the other 29 queue behind it and must not wait for its timeout first.
    const results = await Promise.all(Array.from({ length: 30 }, () => counter.countText("gpt-4o", birthday)));
    const elapsed = performance.now() - startedAt;
    expect(results).toEqual(Array.from({ length: 30 }, () => ({ tokens: 3, source: "fallback" })));
    expect(elapsed).toBeLessThan(timeoutMs + 200);
  });

  it("prices without waiting for it", async () => {
    const { log } = captureLogger();
    const counter = createTokenCounter({ baseUrl: blackHole.url, timeoutMs: 200, log });
    const startedAt = performance.now();
    expect(await counter.price("gpt-4o", 1000, 500)).toEqual({ costUsd: "0.0075000000", source: "local" });
    expect(performance.now() - startedAt).toBeLessThan(50);
  });
});

describe("with a sidecar that sends its headers and stalls the body", () => {
  let stalling: Awaited<ReturnType<typeof startRawServer>>;

  beforeAll(async () => {
    stalling = await startRawServer((socket) => {
      socket.once("data", () => {
        socket.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 40\r\n\r\n{\"tokens\":");
      });
    });
  });

  afterAll(() => stalling.close());

  it("falls back once the body has been late for the timeout", async () => {
    const timeoutMs = 200;
    const { log, lines } = captureLogger();
    const counter = createTokenCounter({ baseUrl: stalling.url, timeoutMs, log });
    const startedAt = performance.now();
    expect(await counter.countText("gpt-4o", birthday)).toEqual({ tokens: 3, source: "fallback" });
    const elapsed = performance.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 20);
    expect(elapsed).toBeLessThan(timeoutMs + 250);
    expect(lines[0]).toMatchObject({ reason: "timeout" });
  });
});

describe("with the sidecar disabled", () => {
  it("answers locally and reports disabled", async () => {
    const { log, lines } = captureLogger();
    const counter = createTokenCounter({ baseUrl: null, timeoutMs: 50, log });

    expect(await counter.countText("gpt-4o", "abcdefgh")).toEqual({ tokens: 2, source: "fallback" });
    expect(await counter.countChat("gpt-4o", chat)).toEqual({ tokens: estimateChatTokens(chat), source: "fallback" });
    expect(await counter.price("gpt-4o-mini", 100, 0)).toEqual({
      costUsd: priceCall("gpt-4o-mini", 100, 0)?.costUsd,
      source: "local",
    });
    expect(await counter.health()).toBe("disabled");
    // One notice at startup, none per call.
    expect(lines).toHaveLength(1);
  });
});
