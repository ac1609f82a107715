// One streamed request, timed the way a user feels it: time to the response
// headers, to the first token, and to the last byte, all from the moment the
// request was handed to the socket pool. Works for PromptLab's SSE (`delta`
// events) and for the upstream's OpenAI chunks alike through two predicates.
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { Dispatcher } from "undici";

export interface StreamRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface StreamProtocol {
  /** This event carries the first piece of answer text. */
  isToken(event: EventSourceMessage): boolean;
  /** This event says the answer ended well. */
  isDone(event: EventSourceMessage): boolean;
  /** This event says the answer failed. */
  isError(event: EventSourceMessage): boolean;
}

export const promptlabProtocol: StreamProtocol = {
  isToken: (event) => event.event === "delta",
  isDone: (event) => event.event === "done",
  isError: (event) => event.event === "error",
};

export const openAiProtocol: StreamProtocol = {
  // The fake upstream's first chunk always carries content; a string test keeps JSON parsing out of the timing.
  isToken: (event) => event.data.includes('"content":"') && !event.data.includes('"content":""'),
  isDone: (event) => event.data === "[DONE]",
  isError: (event) => event.data.includes('"error"'),
};

export interface StreamTiming {
  status: number;
  headersMs: number | null;
  firstTokenMs: number | null;
  lastByteMs: number | null;
  tokens: number;
  /** Set when the request failed in any way: status, network, error event, or no end marker. */
  error: string | null;
}

export async function timeStream(
  dispatcher: Dispatcher,
  origin: string,
  request: StreamRequest,
  protocol: StreamProtocol,
  timeoutMs: number,
): Promise<StreamTiming> {
  const started = performance.now();
  const timing: StreamTiming = { status: 0, headersMs: null, firstTokenMs: null, lastByteMs: null, tokens: 0, error: null };
  let done = false;
  try {
    const response = await dispatcher.request({
      origin,
      path: request.path,
      method: "POST",
      headers: { "content-type": "application/json", ...request.headers },
      body: request.body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    timing.status = response.statusCode;
    timing.headersMs = performance.now() - started;
    const parser = createParser({
      onEvent(event) {
        if (protocol.isToken(event)) {
          timing.tokens++;
          timing.firstTokenMs ??= performance.now() - started;
        } else if (protocol.isDone(event)) {
          done = true;
        } else if (protocol.isError(event)) {
          timing.error ??= `error event: ${event.data.slice(0, 200)}`;
        }
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body) parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
    timing.lastByteMs = performance.now() - started;
    if (response.statusCode !== 200) timing.error ??= `status ${response.statusCode}`;
    else if (!done) timing.error ??= "stream ended without its end marker";
  } catch (error) {
    timing.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return timing;
}
