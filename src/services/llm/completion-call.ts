// One streamed chat completion on the wire: undici pushes the response body in
// as it arrives (a dispatch handler), eventsource-parser turns it into events,
// and the chat service pulls them (an async iterator). Every frame of every
// open stream passes through here, so there is no body stream in between:
// undici's `request` wrapped each body in a Readable and an async iterator,
// which the streams benchmark's profile put at ~10% of the server's CPU and
// over a kilobyte of heap per open stream (docs/BENCHMARKS.md).
import { StringDecoder } from "node:string_decoder";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { createParser, type EventSourceMessage, type EventSourceParser } from "eventsource-parser";
import type { Dispatcher } from "undici";
import type { CompletionEvent } from "./provider.ts";
import type { StopSignalLike } from "../stop-signal.ts";

/** Enough of an error body to show its message; the rest is dropped. */
const ERROR_BODY_LIMIT = 8_192;
/** Events parsed but not yet read before the upstream socket stops being read, so a slow reader holds a bounded amount. */
const HIGH_WATER_EVENTS = 256;

/** The provider answered with an HTTP error before streaming; `status` is what the chat service reports. */
export class ProviderHttpError extends Error {
  constructor(
    readonly status: number,
    readonly providerMessage: string | null,
  ) {
    super(`provider answered HTTP ${status}${providerMessage ? `: ${providerMessage}` : ""}`);
    this.name = "ProviderHttpError";
  }
}

/** The provider sent something that is not a chat-completion stream, or an error event mid-stream. */
export class ProviderStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProviderStreamError";
  }
}

/** What a reader that stops early leaves behind: the request is cut, with this reason. */
class ReaderStoppedError extends Error {
  constructor() {
    super("the completion's reader stopped before its end");
    this.name = "ReaderStoppedError";
  }
}

type ErrorPayload = { error?: { message?: unknown } };

function errorMessageOf(payload: unknown): string | null {
  const message = (payload as ErrorPayload | null)?.error?.message;
  return typeof message === "string" ? message : null;
}

function httpErrorOf(status: number, body: string): ProviderHttpError {
  let message: string | null;
  try {
    message = errorMessageOf(JSON.parse(body));
  } catch {
    message = body.trim().slice(0, 200) || null;
  }
  return new ProviderHttpError(status, message);
}

/**
 * Turns one server-sent event into what the chat service consumes. True when
 * it says the answer is over: `[DONE]`, or a choice's finish_reason.
 */
function eventsOf(message: EventSourceMessage, into: CompletionEvent[]): boolean {
  if (message.data === "[DONE]") return true;
  let chunk: ChatCompletionChunk & ErrorPayload;
  try {
    chunk = JSON.parse(message.data) as ChatCompletionChunk & ErrorPayload;
  } catch {
    throw new ProviderStreamError(`provider sent an event that is not JSON: ${message.data.slice(0, 200)}`);
  }
  // Some servers send "error": null on every normal chunk.
  if (chunk.error != null) {
    throw new ProviderStreamError(`provider failed mid-stream: ${errorMessageOf(chunk) ?? "no message"}`);
  }
  const text = chunk.choices?.[0]?.delta?.content;
  if (text) into.push({ type: "delta", text });
  if (chunk.usage) {
    into.push({ type: "usage", tokensIn: chunk.usage.prompt_tokens, tokensOut: chunk.usage.completion_tokens });
  }
  return chunk.choices?.[0]?.finish_reason != null;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

export class CompletionCall implements Dispatcher.DispatchHandler, AsyncIterableIterator<CompletionEvent> {
  private controller: Dispatcher.DispatchController | null = null;
  private status = 0;
  private errorBody = "";
  private readonly parser: EventSourceParser;
  // Streaming decode: a character may be split between two network chunks.
  // Node's StringDecoder rather than TextDecoder's stream mode, which took five
  // times as long per chunk (550 against 110 ns for a 560-byte chunk).
  private readonly decoder = new StringDecoder("utf8");
  /** Nothing decoded yet: a byte-order mark there is not text (TextDecoder dropped it; StringDecoder does not). */
  private atStart = true;
  private queue: CompletionEvent[] = [];
  private head = 0;
  private waiting: { resolve(result: IteratorResult<CompletionEvent>): void; reject(error: unknown): void } | null = null;
  /** The response ended; the connection is back in the pool. */
  private ended = false;
  /** The reader called return(): nothing more is read. */
  private closed = false;
  /** Set once: what the reader gets after the events that arrived before it. */
  private failure: { error: unknown } | null = null;
  /** The provider said the answer is over; a response that ends without saying so was cut. */
  private answerFinished = false;

  constructor(private readonly signal: StopSignalLike) {
    this.parser = createParser({
      onEvent: (message) => {
        if (this.failure) return;
        try {
          if (eventsOf(message, this.queue)) this.answerFinished = true;
        } catch (error) {
          this.fail(error);
        }
      },
    });
    if (signal.aborted) this.fail(signal.reason);
    else signal.addEventListener("abort", this.onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  // undici's side: the request on the wire.

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.failure) controller.abort(this.failure.error as Error);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.status !== 200) {
      if (this.errorBody.length < ERROR_BODY_LIMIT) this.errorBody += chunk.toString("utf8");
      return;
    }
    if (this.failure) return;
    let text = this.decoder.write(chunk);
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.parser.feed(text);
    // After a failure in this chunk (the request is aborted), undici must not parse the rest of it.
    if (this.failure || this.queue.length - this.head >= HIGH_WATER_EVENTS) controller.pause();
    this.wake();
  }

  onResponseEnd(): void {
    // Read to the end, past [DONE], so the connection goes back to the pool.
    this.ended = true;
    this.signal.removeEventListener("abort", this.onAbort);
    if (this.status !== 200) this.failure ??= { error: httpErrorOf(this.status, this.errorBody) };
    // An HTTP/2 stream ends cleanly when its connection closes under it (undici
    // ends every stream of a session that goes away), so a clean end alone
    // does not mean a complete answer.
    else if (!this.answerFinished) this.failure ??= { error: new ProviderStreamError("the provider's stream ended before the answer did (no finish_reason or [DONE])") };
    this.wake();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    // undici has already given up on the request; there is nothing to abort.
    this.ended = true;
    this.signal.removeEventListener("abort", this.onAbort);
    this.failure ??= { error };
    this.wake();
  }

  // The reader's side.

  next(): Promise<IteratorResult<CompletionEvent>> {
    if (this.waiting) return Promise.reject(new Error("CompletionCall is read one event at a time"));
    if (this.closed) return Promise.resolve(DONE);
    if (this.head < this.queue.length) return Promise.resolve({ done: false, value: this.take() });
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** The reader stopped early: the rest of the answer is not wanted, so the request is cut. */
  return(): Promise<IteratorResult<CompletionEvent>> {
    this.closed = true;
    this.queue = [];
    this.head = 0;
    const waiting = this.waiting;
    this.waiting = null;
    this.fail(new ReaderStoppedError());
    waiting?.resolve(DONE);
    return Promise.resolve(DONE);
  }

  private take(): CompletionEvent {
    const event = this.queue[this.head]!;
    this.queue[this.head++] = undefined as unknown as CompletionEvent;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
      if (this.controller?.paused) this.controller.resume();
    }
    return event;
  }

  /** Hands what arrived, or the failure once nothing is left before it, to a reader that is waiting. */
  private wake(): void {
    const waiting = this.waiting;
    if (!waiting) return;
    if (this.head < this.queue.length) {
      this.waiting = null;
      waiting.resolve({ done: false, value: this.take() });
    } else if (this.failure) {
      this.waiting = null;
      waiting.reject(this.failure.error);
    } else if (this.ended) {
      this.waiting = null;
      waiting.resolve(DONE);
    }
  }

  private readonly onAbort = (): void => {
    // Whoever aborted wants nothing more: the events not yet read are dropped
    // (a hung-up client, a passed deadline), unlike a failure on the wire.
    this.queue = [];
    this.head = 0;
    this.fail(this.signal.reason);
  };

  /** The first failure wins; the request stops, and the events before it are still read. */
  private fail(error: unknown): void {
    if (this.failure || this.ended) return;
    this.failure = { error };
    this.signal.removeEventListener("abort", this.onAbort);
    if (this.controller && !this.controller.aborted) this.controller.abort(error instanceof Error ? error : new Error(String(error)));
    this.wake();
  }
}
