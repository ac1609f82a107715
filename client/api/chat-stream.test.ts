import { afterEach, describe, expect, it, vi } from "vitest";
import { ChatRequestError } from "./chat-request-error.ts";
import { streamChat } from "./chat-stream.ts";

function sseResponse(pieces: string[], options: { endAfter?: boolean; signal?: AbortSignal | null } = {}): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      if (options.endAfter ?? true) controller.close();
      // What fetch does to a body when its request is aborted.
      options.signal?.addEventListener("abort", () => controller.error(new DOMException("aborted", "AbortError")));
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
}

const meta = { conversation_id: "c1", user_message_id: "u1", message_id: "m1", variant: "concise", prompt_version: 1 };
const done = { message_id: "m1", status: "complete", tokens_in: 16, tokens_out: 96, total_tokens: 112, latency_ms: 1700, time_to_first_token_ms: 200, cost_usd: "0.0002" };
const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

function request(signal = new AbortController().signal) {
  return { apiKey: "k", message: "hi", conversationId: null, signal };
}

afterEach(() => vi.unstubAllGlobals());

describe("streamChat", () => {
  it("hands over meta and each delta, even when events are split across chunks, and ends with done", async () => {
    const wire = event("meta", meta) + event("delta", { text: "Hel" }) + event("delta", { text: "lo" }) + event("done", done);
    // Cut the wire at awkward places: inside field names and JSON.
    const pieces = [wire.slice(0, 7), wire.slice(7, 50), wire.slice(50, 123), wire.slice(123)];
    const fetchMock = vi.fn(async () => sseResponse(pieces));
    vi.stubGlobal("fetch", fetchMock);

    const deltas: string[] = [];
    const onMeta = vi.fn();
    const end = await streamChat(request(), { onMeta, onDelta: (text) => deltas.push(text) });

    expect(onMeta).toHaveBeenCalledWith(meta);
    expect(deltas).toEqual(["Hel", "lo"]);
    expect(end).toEqual({ kind: "done", done });
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(new Headers(init.headers).get("x-api-key")).toBe("k");
  });

  it("returns the error event of a provider failure mid-stream", async () => {
    vi.stubGlobal("fetch", async () => sseResponse([event("meta", meta), event("error", { code: "upstream_error", message: "boom" })]));
    const end = await streamChat(request(), { onMeta() {}, onDelta() {} });
    expect(end).toEqual({ kind: "error", error: { code: "upstream_error", message: "boom" } });
  });

  it("calls a stream that ends without done or error cut", async () => {
    vi.stubGlobal("fetch", async () => sseResponse([event("meta", meta), event("delta", { text: "par" })]));
    expect(await streamChat(request(), { onMeta() {}, onDelta() {} })).toEqual({ kind: "cut" });
  });

  it("returns stopped when Stop aborts the stream", async () => {
    const controller = new AbortController();
    vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => sseResponse([event("meta", meta)], { endAfter: false, signal: init.signal }));
    const end = streamChat(request(controller.signal), { onMeta: () => controller.abort(), onDelta() {} });
    expect(await end).toEqual({ kind: "stopped" });
  });

  it("throws a refusal before streaming, and unreachable when fetch itself fails", async () => {
    vi.stubGlobal("fetch", async () => new Response(JSON.stringify({ error: { code: "unauthorized" } }), { status: 401 }));
    await expect(streamChat(request(), { onMeta() {}, onDelta() {} })).rejects.toMatchObject({ refusal: { kind: "unauthorized" } });
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("Failed to fetch");
    });
    const failure = await streamChat(request(), { onMeta() {}, onDelta() {} }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ChatRequestError);
    expect((failure as ChatRequestError).refusal).toEqual({ kind: "unreachable" });
  });
});
