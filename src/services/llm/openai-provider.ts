// Any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp) through the
// official SDK. Usage is requested with stream_options.include_usage; servers
// that ignore it leave token counting to the tokenizer.
import OpenAI from "openai";
import type { CompletionEvent, CompletionRequest, LlmProvider } from "./provider.ts";

export interface OpenAiProviderOptions {
  name: string;
  baseURL?: string;
  apiKey?: string;
  /** Time allowed for the whole request; first-token limits are enforced by the caller. */
  timeoutMs: number;
}

export class OpenAiProvider implements LlmProvider {
  readonly name: string;
  private readonly client: OpenAI;

  constructor(options: OpenAiProviderOptions) {
    this.name = options.name;
    this.client = new OpenAI({
      apiKey: options.apiKey ?? "not-needed",
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      timeout: options.timeoutMs,
      // Retries belong to the caller, which knows whether bytes reached the client.
      maxRetries: 0,
    });
  }

  async *stream(request: CompletionRequest): AsyncIterable<CompletionEvent> {
    const { parameters } = request;
    const stream = await this.client.chat.completions.create(
      {
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
      },
      { signal: request.signal },
    );
    for await (const chunk of stream) {
      const text = chunk.choices[0]?.delta?.content;
      if (text) yield { type: "delta", text };
      if (chunk.usage) {
        yield { type: "usage", tokensIn: chunk.usage.prompt_tokens, tokensOut: chunk.usage.completion_tokens };
      }
    }
  }
}
