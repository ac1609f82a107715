// POST /chat read as a stream: fetch for the request (so the API key goes in a
// header and Stop can abort it) and eventsource-parser for the SSE framing.
// Refusals before streaming throw ChatRequestError; once streaming, every
// ending is a returned value, because a partial answer is still an answer.
import { createParser } from "eventsource-parser";
import type { DeltaEvent, DoneEvent, MetaEvent, StreamErrorEvent } from "./chat-events.ts";
import { ChatRequestError, chatRefusalOf } from "./chat-request-error.ts";
import { trackedFetch } from "./tracked-fetch.ts";

export interface ChatRequest {
  apiKey: string;
  message: string;
  conversationId: string | null;
  signal: AbortSignal;
}

export interface ChatStreamHandlers {
  onMeta(meta: MetaEvent): void;
  onDelta(text: string): void;
}

export type ChatStreamEnd =
  | { kind: "done"; done: DoneEvent }
  | { kind: "error"; error: StreamErrorEvent }
  /** Stop was pressed: the server keeps the partial answer as incomplete. */
  | { kind: "stopped" }
  /** The connection ended with neither `done` nor `error`. */
  | { kind: "cut" };

export async function streamChat(request: ChatRequest, handlers: ChatStreamHandlers): Promise<ChatStreamEnd> {
  let response: Response;
  try {
    response = await trackedFetch("/chat", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", "x-api-key": request.apiKey },
      body: JSON.stringify({
        message: request.message,
        ...(request.conversationId ? { conversation_id: request.conversationId } : {}),
      }),
      signal: request.signal,
    });
  } catch {
    if (request.signal.aborted) return { kind: "stopped" };
    throw new ChatRequestError({ kind: "unreachable" });
  }
  if (!response.ok || !response.body) throw new ChatRequestError(await chatRefusalOf(response));

  let end: ChatStreamEnd | null = null;
  const parser = createParser({
    onEvent(event) {
      const data: unknown = JSON.parse(event.data);
      switch (event.event) {
        case "meta":
          handlers.onMeta(data as MetaEvent);
          break;
        case "delta":
          handlers.onDelta((data as DeltaEvent).text);
          break;
        case "done":
          end = { kind: "done", done: data as DoneEvent };
          break;
        case "error":
          end = { kind: "error", error: data as StreamErrorEvent };
          break;
      }
    },
  });

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
  } catch {
    if (request.signal.aborted) return { kind: "stopped" };
    return end ?? { kind: "cut" };
  }
  return end ?? (request.signal.aborted ? { kind: "stopped" } : { kind: "cut" });
}
