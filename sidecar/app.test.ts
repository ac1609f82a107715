// The sidecar over real HTTP on an ephemeral port: every route, and every
// error status with its JSON envelope.
import { request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSidecarServer, MAX_BATCH_ITEMS, MAX_BODY_BYTES } from "./app.ts";

let server: Server;
let baseUrl: string;
let port: number;

beforeAll(async () => {
  server = createSidecarServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: text ? JSON.parse(text) : undefined };
}

/** Sends a body with chunked encoding, so the server cannot reject it by Content-Length. */
function postChunked(path: string, chunks: Buffer[]): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "POST" }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (part: Buffer) => parts.push(part));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString()) }));
    });
    // The server may hang up mid-upload once it has answered 413.
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") reject(error);
    });
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe("GET /health", () => {
  it("reports ok", async () => {
    const res = await call("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.json).toEqual({ status: "ok" });
  });

  it("answers HEAD for probes", async () => {
    const res = await call("HEAD", "/health");
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
  });

  it("ignores a query string", async () => {
    expect((await call("GET", "/health?probe=1")).status).toBe(200);
  });
});

describe("POST /count", () => {
  it("counts text with the model's encoding", async () => {
    const res = await call("POST", "/count", { model: "gpt-4o-2024-08-06", text: "お誕生日おめでとう" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      tokens: 8,
      model: "gpt-4o-2024-08-06",
      encoding: "o200k_base",
      encoding_defaulted: false,
    });
  });

  it("uses cl100k_base for gpt-4", async () => {
    const res = await call("POST", "/count", { model: "gpt-4", text: "お誕生日おめでとう" });
    expect(res.json).toMatchObject({ tokens: 9, encoding: "cl100k_base", encoding_defaulted: false });
  });

  it("counts chat messages with framing", async () => {
    const res = await call("POST", "/count", {
      model: "gpt-4o",
      messages: [{ role: "user", content: "tiktoken is great!", name: "bob" }],
    });
    // 3 priming + 3 per message + "user"(1) + content(6) + 1 per name + "bob"(1)
    expect(res.json).toMatchObject({ tokens: 15, encoding: "o200k_base" });
  });

  it("says when the encoding was a default", async () => {
    const res = await call("POST", "/count", { model: "simulator", text: "hello world" });
    expect(res.json).toEqual({ tokens: 2, model: "simulator", encoding: "o200k_base", encoding_defaulted: true });
  });
});

describe("POST /count/batch", () => {
  it("answers each item as /count would, in order, and fails a bad item alone", async () => {
    const items = [
      { model: "gpt-4o", text: "お誕生日おめでとう" },
      { model: "gpt-4", text: "お誕生日おめでとう" },
      { model: "gpt-4o", text: "hi", messages: [] },
      { model: "gpt-4o", messages: [{ role: "user", content: "tiktoken is great!", name: "bob" }] },
    ];
    const res = await call("POST", "/count/batch", { items });
    expect(res.status).toBe(200);
    const single = await Promise.all([0, 1, 3].map(async (index) => (await call("POST", "/count", items[index])).json));
    expect(res.json.counts).toEqual([
      single[0],
      single[1],
      { error: { code: "invalid_request", message: "Item failed validation", fields: { text: ["Provide exactly one of text or messages"] } } },
      single[2],
    ]);
    expect(res.json.counts.map((count: { tokens?: number }) => count.tokens)).toEqual([8, 9, undefined, 15]);
  });

  it("400s a body without items, an empty list, or too many", async () => {
    for (const body of [{}, { items: [] }, { items: Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => ({ model: "gpt-4o", text: "" })) }]) {
      const res = await call("POST", "/count/batch", body);
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("invalid_request");
      expect(Object.keys(res.json.error.fields)).toEqual(["items"]);
    }
  });
});

describe("POST /cost", () => {
  it("prices a known model exactly", async () => {
    const res = await call("POST", "/cost", { model: "gpt-4o-mini-2024-07-18", tokens_in: 100, tokens_out: 0 });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      cost_usd: "0.0000150000",
      model: "gpt-4o-mini-2024-07-18",
      priced_as: "gpt-4o-mini",
      input_per_million: "0.1500",
      output_per_million: "0.6000",
    });
  });

  it("404s an unknown model with unknown_model", async () => {
    const res = await call("POST", "/cost", { model: "mystery-1", tokens_in: 1, tokens_out: 1 });
    expect(res.status).toBe(404);
    expect(res.json.error).toMatchObject({ code: "unknown_model" });
    expect(res.json.error.message).toContain("mystery-1");
  });
});

describe("validation", () => {
  it("400s malformed JSON", async () => {
    const res = await call("POST", "/count", "{not json");
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: "invalid_request", message: "Body is not valid JSON", fields: {} } });
  });

  it("400s wrong /cost shapes with per-field messages", async () => {
    const res = await call("POST", "/cost", { model: "", tokens_in: -1, tokens_out: 1.5 });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("invalid_request");
    expect(Object.keys(res.json.error.fields).sort()).toEqual(["model", "tokens_in", "tokens_out"]);
    for (const messages of Object.values(res.json.error.fields)) {
      expect(messages).toEqual([expect.any(String)]);
    }
  });

  it("400s a bad chat message with its nested path", async () => {
    const res = await call("POST", "/count", { model: "gpt-4o", messages: [{ role: "user", content: 42 }] });
    expect(res.status).toBe(400);
    expect(res.json.error.fields).toHaveProperty(["messages.0.content"]);
  });

  it("400s when both or neither of text and messages are given", async () => {
    for (const body of [{ model: "gpt-4o" }, { model: "gpt-4o", text: "a", messages: [] }]) {
      const res = await call("POST", "/count", body);
      expect(res.status).toBe(400);
      expect(res.json.error.fields).toHaveProperty(["text"]);
    }
  });

  it("400s a non-object body at the root", async () => {
    const res = await call("POST", "/cost", "[1,2]");
    expect(res.status).toBe(400);
    expect(res.json.error.fields).toHaveProperty(["(root)"]);
  });
});

describe("routing and limits", () => {
  it("404s an unknown path", async () => {
    const res = await call("GET", "/nope");
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("not_found");
  });

  it("405s a wrong method and names the allowed one", async () => {
    const getCount = await call("GET", "/count");
    expect(getCount.status).toBe(405);
    expect(getCount.headers.get("allow")).toBe("POST");
    expect(getCount.json.error.code).toBe("method_not_allowed");

    const postHealth = await call("POST", "/health", {});
    expect(postHealth.status).toBe(405);
    expect(postHealth.headers.get("allow")).toBe("GET, HEAD");
  });

  it("413s a body over 2 MiB declared by Content-Length", async () => {
    const text = "a".repeat(MAX_BODY_BYTES);
    const res = await call("POST", "/count", { model: "gpt-4o", text });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe("payload_too_large");
  });

  it("413s an oversized chunked body while streaming", async () => {
    const chunk = Buffer.alloc(256 * 1024, "a");
    const res = await postChunked("/count", Array.from({ length: 10 }, () => chunk));
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("accepts a body of exactly 2 MiB", async () => {
    const envelope = JSON.stringify({ model: "gpt-4o", text: "" });
    const text = "a ".repeat(Math.floor((MAX_BODY_BYTES - envelope.length) / 2));
    const res = await call("POST", "/count", { model: "gpt-4o", text });
    expect(res.status).toBe(200);
    expect(res.json.tokens).toBeGreaterThan(0);
  });

  it("keeps idle connections open longer than 60 s", () => {
    expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
  });

  it("never leaks a stack trace", async () => {
    const res = await call("POST", "/cost", "{");
    expect(res.text).not.toMatch(/\n\s+at /);
    expect(res.text).not.toContain("SyntaxError");
  });
});
