// The payloads of POST /chat's server-sent events, as src/routes/chat-stream.ts
// sends them. The stream is a plain route outside tRPC, so these are declared
// here; keep them in step with the server.
export interface MetaEvent {
  conversation_id: string;
  user_message_id: string;
  message_id: string;
  experiment: string | null;
  variant: string | null;
  prompt_version_id: string | null;
  prompt_version: number | null;
  config_version: number | null;
  provider: string;
  model: string;
  trace_id: string;
}

/** The prompt's input tokens, estimated before the answer; sent with the first event after the sidecar answers, always before `done` or `error`. */
export interface EstimateEvent {
  pre_estimated_tokens: number;
  estimate_source: "sidecar" | "fallback";
}

export interface DeltaEvent {
  text: string;
}

export interface DoneEvent {
  message_id: string;
  status: "complete" | "incomplete" | "error";
  provider: string;
  model: string;
  tokens_in: number;
  tokens_out: number;
  total_tokens: number;
  usage_source: "provider" | "tokenizer";
  latency_ms: number;
  time_to_first_token_ms: number | null;
  cost_usd: string | null;
}

export interface StreamErrorEvent {
  code: string;
  message: string;
  message_id?: string;
}
