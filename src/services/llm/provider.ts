// What every LLM provider offers the chat service: a stream of text deltas and,
// when the provider reports it, exact token usage.
import type { StopSignalLike } from "../stop-signal.ts";

export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface CompletionParameters {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  /** The next four arrive only from OpenAI-compatible gateway callers. */
  stop?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
}

export interface CompletionRequest {
  model: string;
  messages: ChatTurn[];
  parameters: CompletionParameters;
  signal: StopSignalLike;
}

export type CompletionEvent =
  | { type: "delta"; text: string }
  | { type: "usage"; tokensIn: number; tokensOut: number }
  /** Which provider and model actually answer; `fallback` when not the first choice. */
  | { type: "served"; provider: string; model: string; fallback: boolean };

export interface LlmProvider {
  /** Recorded on every message as the provider that served it. */
  readonly name: string;
  /**
   * Stops when `request.signal` aborts, and when its reader calls return():
   * the failover's first-token timeout stops a slow attempt that way.
   */
  stream(request: CompletionRequest): AsyncIterable<CompletionEvent>;
  /** Circuit-breaker state per underlying provider, where there is one. */
  circuitStates?(): Record<string, string>;
  /** Closes kept-alive connections, at shutdown. */
  close?(): Promise<void>;
}

/** Reads provider parameters out of a prompt version's JSON, ignoring anything unknown. */
export function parametersFromJson(json: unknown): CompletionParameters {
  const source = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  const numberAt = (...keys: string[]) => {
    for (const key of keys) if (typeof source[key] === "number") return source[key] as number;
    return undefined;
  };
  const parameters: CompletionParameters = {};
  const temperature = numberAt("temperature");
  const maxTokens = numberAt("max_tokens", "maxTokens");
  const topP = numberAt("top_p", "topP");
  if (temperature !== undefined) parameters.temperature = temperature;
  if (maxTokens !== undefined) parameters.maxTokens = maxTokens;
  if (topP !== undefined) parameters.topP = topP;
  return parameters;
}
