// Any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp): a streamed
// chat completion over undici's `request` on a keep-alive pool per provider,
// its server-sent events parsed by eventsource-parser. Usage is requested with
// stream_options.include_usage; servers that ignore it leave token counting to
// the tokenizer.
//
// Why not the official SDK here: every chat and every open stream passes
// through this file, and in the benchmarks' CPU profiles the SDK over fetch
// (Request/Response objects, web streams, its own SSE decoder, AbortSignal
// bookkeeping) was about 30% of the server's CPU per chat and ~30 objects per
// open stream (docs/BENCHMARKS.md). The wire format is small and stable; the
// SDK's types still describe it, and the tests drive the gateway with the SDK.
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { Pool, type Dispatcher } from "undici";
import type { CompletionEvent, CompletionRequest, LlmProvider } from "./provider.ts";

export interface OpenAiProviderOptions {
  name: string;
  /** Up to and including the API version, as the SDKs take it; OpenAI's own when absent. */
  baseURL?: string;
  apiKey?: string;
  /** Longest wait for the response headers and between two body chunks; first-token and whole-answer limits are the caller's. */
  timeoutMs: number;
}

const OPENAI_BASE_URL = "https://api.openai.com/v1";
/** Enough of an error body to show its message; the rest is dropped. */
const ERROR_BODY_LIMIT = 8_192;

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

type ErrorPayload = { error?: { message?: unknown } };

function errorMessageOf(payload: unknown): string | null {
  const message = (payload as ErrorPayload | null)?.error?.message;
  return typeof message === "string" ? message : null;
}

function requestBody(request: CompletionRequest): ChatCompletionCreateParamsStreaming {
  const { parameters } = request;
  return {
    model: request.model,
    messages: request.messages,
    stream: true,
    stream_options: { include_usage: true },
    ...(parameters.temperature !== undefined ? { temperature: parameters.temperature } : {}),
    ...(parameters.maxTokens !== undefined ? { max_tokens: parameters.maxTokens } : {}),
    ...(parameters.topP !== undefined ? { top_p: parameters.topP } : {}),
    ...(parameters.stop !== undefined ? { stop: parameters.stop } : {}),
    ...(parameters.presencePenalty !== undefined ? { presence_penalty: parameters.presencePenalty } : {}),
    ...(parameters.frequencyPenalty !== undefined ? { frequency_penalty: parameters.frequencyPenalty } : {}),
    ...(parameters.seed !== undefined ? { seed: parameters.seed } : {}),
  };
}

async function httpError(response: Dispatcher.ResponseData): Promise<ProviderHttpError> {
  let text = "";
  for await (const chunk of response.body) {
    if (text.length < ERROR_BODY_LIMIT) text += (chunk as Buffer).toString("utf8");
  }
  let message: string | null = null;
  try {
    message = errorMessageOf(JSON.parse(text));
  } catch {
    message = text.trim().slice(0, 200) || null;
  }
  return new ProviderHttpError(response.statusCode, message);
}

/** Turns one server-sent event into what the chat service consumes. */
function eventsOf(message: EventSourceMessage, into: CompletionEvent[]): void {
  if (message.data === "[DONE]") return;
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
}

export class OpenAiProvider implements LlmProvider {
  readonly name: string;
  private readonly pool: Pool;
  private readonly path: string;
  private readonly headers: Record<string, string>;

  constructor(options: OpenAiProviderOptions) {
    this.name = options.name;
    const base = new URL(options.baseURL ?? OPENAI_BASE_URL);
    this.pool = new Pool(base.origin, { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
    this.path = `${base.pathname.replace(/\/+$/, "")}/chat/completions`;
    this.headers = {
      "content-type": "application/json",
      accept: "text/event-stream",
      authorization: `Bearer ${options.apiKey ?? "not-needed"}`,
    };
  }

  async *stream(request: CompletionRequest): AsyncIterable<CompletionEvent> {
    const response = await this.pool.request({
      method: "POST",
      path: this.path,
      headers: this.headers,
      body: JSON.stringify(requestBody(request)),
      signal: request.signal,
    });
    if (response.statusCode !== 200) throw await httpError(response);

    const pending: CompletionEvent[] = [];
    let failure: unknown = null;
    const parser = createParser({
      onEvent: (message) => {
        if (failure !== null) return;
        try {
          eventsOf(message, pending);
        } catch (error) {
          failure = error;
        }
      },
    });
    // Streaming decode: a character may be split between two network chunks.
    const decoder = new TextDecoder();
    // Read to the end, past [DONE], so the connection goes back to the pool.
    for await (const chunk of response.body) {
      parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
      // What arrived before a failure in the same read is part of the answer.
      for (const event of pending.splice(0)) yield event;
      if (failure !== null) throw failure;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
