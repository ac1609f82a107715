// Any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp): a streamed
// chat completion dispatched on undici's keep-alive pool per provider, its
// server-sent events parsed by eventsource-parser as the body arrives
// (completion-call.ts). Usage is requested with
// stream_options.include_usage; servers that ignore it leave token counting to
// the tokenizer.
//
// Why not the official SDK here: every chat and every open stream passes
// through this file, and in the benchmarks' CPU profiles the SDK over fetch
// (Request/Response objects, web streams, its own SSE decoder, AbortSignal
// bookkeeping) was about 30% of the server's CPU per chat and ~30 objects per
// open stream (docs/BENCHMARKS.md). The wire format is small and stable; the
// SDK's types still describe it, and the tests drive the gateway with the SDK.
import type { ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";
import type { Pool } from "undici";
import { CompletionCall } from "./completion-call.ts";
import { providerPool } from "./provider-pool.ts";
import type { CompletionEvent, CompletionRequest, LlmProvider } from "./provider.ts";

export { ProviderHttpError, ProviderStreamError } from "./completion-call.ts";

export interface OpenAiProviderOptions {
  name: string;
  /** Up to and including the API version, as the SDKs take it; OpenAI's own when absent. */
  baseURL?: string;
  apiKey?: string;
  /** Longest wait for the response headers and between two body chunks; first-token and whole-answer limits are the caller's. */
  timeoutMs: number;
  /**
   * Speak HTTP/2: negotiated by ALPN over https, by prior knowledge (h2c) over
   * http. Open streams then share a few connections instead of one each.
   */
  http2?: boolean;
}

const OPENAI_BASE_URL = "https://api.openai.com/v1";
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

export class OpenAiProvider implements LlmProvider {
  readonly name: string;
  private readonly pool: Pool;
  private readonly path: string;
  private readonly headers: Record<string, string>;

  constructor(options: OpenAiProviderOptions) {
    this.name = options.name;
    const base = new URL(options.baseURL ?? OPENAI_BASE_URL);
    this.pool = providerPool(base, { timeoutMs: options.timeoutMs, http2: options.http2 ?? false });
    this.path = `${base.pathname.replace(/\/+$/, "")}/chat/completions`;
    this.headers = {
      "content-type": "application/json",
      accept: "text/event-stream",
      authorization: `Bearer ${options.apiKey ?? "not-needed"}`,
    };
  }

  stream(request: CompletionRequest): AsyncIterable<CompletionEvent> {
    const call = new CompletionCall(request.signal);
    this.pool.dispatch(
      {
        method: "POST",
        path: this.path,
        headers: this.headers,
        body: JSON.stringify(requestBody(request)),
        // undici runs one non-idempotent request per HTTP/2 connection at a time,
        // which would leave it one stream wide. On an HTTP/1.1 connection, which
        // runs one request at a time here (provider-pool.ts), the flag changes nothing.
        idempotent: true,
      },
      call,
    );
    return call;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
