// The body of POST /v1/chat/completions: OpenAI's request, narrowed to what
// PromptLab can honour. Parameters that would change the shape of the answer
// (tools, JSON mode, several choices, logprobs, audio) are refused with a 400
// that names them rather than silently dropped; metadata with no effect on the
// answer is accepted and ignored; unknown fields are refused, as OpenAI does.
import { z } from "zod";
import type { ChatTurn, CompletionParameters } from "../../services/llm/provider.ts";

const UNSUPPORTED = "is not supported by the PromptLab gateway";

/** Absent, null or empty is fine; anything else is a feature the gateway does not offer. */
function unsupported(name: string) {
  return z
    .unknown()
    .refine(
      (value) => value === undefined || value === null || (Array.isArray(value) && value.length === 0),
      `${name} ${UNSUPPORTED}`,
    )
    .optional();
}

function contentSchema(maxChars: number) {
  const textPart = z.object({
    type: z.literal("text", `only text content parts are supported (images, audio and files ${UNSUPPORTED})`),
    text: z.string(),
  });
  return z
    .union([z.string(), z.array(textPart).min(1)], {
      error: "content must be a string or an array of text parts",
    })
    .transform((content) => (typeof content === "string" ? content : content.map((part) => part.text).join("\n")))
    .pipe(z.string().max(maxChars, `content must be at most ${maxChars} characters`));
}

function messageSchema(maxChars: number) {
  // Loose on purpose: an app often appends the SDK's own response message
  // (with refusal: null, annotations: []) back into the next request.
  return z
    .object({
      role: z.enum(["system", "developer", "user", "assistant"], {
        error: `role must be system, developer, user or assistant (tool and function messages ${UNSUPPORTED})`,
      }),
      content: contentSchema(maxChars).nullish(),
      name: z.string().max(256).nullish(),
      tool_calls: unsupported("tool_calls"),
      function_call: unsupported("function_call"),
      audio: unsupported("audio"),
    })
    .refine((message) => typeof message.content === "string", {
      message: "content is required",
      path: ["content"],
    });
}

const penalty = z.number().min(-2).max(2).nullish();

export function chatCompletionRequestSchema(maxMessageChars: number) {
  return z
    .strictObject({
      model: z.string({ error: "model is required" }).min(1, "model is required").max(256),
      messages: z
        .array(messageSchema(maxMessageChars), { error: "messages must be an array" })
        .min(1, "messages must contain at least one message"),
      stream: z.boolean().nullish(),
      stream_options: z
        .object({ include_usage: z.boolean().nullish(), include_obfuscation: z.boolean().nullish() })
        .nullish(),
      /** The assignment unit: an app's own end-user id, so each end user keeps one variant. */
      user: z.string().max(256).nullish(),

      temperature: z.number().min(0).max(2).nullish(),
      top_p: z.number().min(0).max(1).nullish(),
      max_tokens: z.number().int().min(1).nullish(),
      max_completion_tokens: z.number().int().min(1).nullish(),
      stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
      presence_penalty: penalty,
      frequency_penalty: penalty,
      seed: z.number().int().nullish(),
      n: z.literal(1, "n must be 1: the gateway returns one choice").nullish(),

      // Accepted and ignored: none of them changes the answer.
      metadata: z.record(z.string(), z.string()).nullish(),
      store: z.boolean().nullish(),
      service_tier: z.string().nullish(),
      safety_identifier: z.string().nullish(),
      prompt_cache_key: z.string().nullish(),
      parallel_tool_calls: z.boolean().nullish(),

      // Accepted only in their harmless form.
      response_format: z
        .object({ type: z.literal("text", `response_format other than {"type": "text"} ${UNSUPPORTED}`) })
        .nullish(),
      logprobs: z.literal(false, `logprobs ${UNSUPPORTED}`).nullish(),
      modalities: z.array(z.literal("text", `modalities other than "text" ${UNSUPPORTED}`)).nullish(),
      tool_choice: z.literal("none", `tool_choice ${UNSUPPORTED}`).nullish(),

      tools: unsupported("tools"),
      functions: unsupported("functions"),
      function_call: unsupported("function_call"),
      top_logprobs: unsupported("top_logprobs"),
      logit_bias: unsupported("logit_bias"),
      audio: unsupported("audio"),
      prediction: unsupported("prediction"),
      web_search_options: unsupported("web_search_options"),
      reasoning_effort: unsupported("reasoning_effort"),
      verbosity: unsupported("verbosity"),
    })
    .refine((body) => body.stream === true || body.stream_options == null, {
      message: "stream_options is only allowed when stream is true",
      path: ["stream_options"],
    });
}

export type ChatCompletionRequest = z.infer<ReturnType<typeof chatCompletionRequestSchema>>;

export interface GatewayChatRequest {
  model: string;
  turns: ChatTurn[];
  parameters: CompletionParameters;
  stream: boolean;
  includeUsage: boolean;
  /** The end user to keep in one variant, when the caller names one. */
  user: string | null;
}

/** The validated body in the chat service's terms. `developer` is the newer name for `system`. */
export function toGatewayRequest(body: ChatCompletionRequest): GatewayChatRequest {
  const parameters: CompletionParameters = {};
  if (body.temperature != null) parameters.temperature = body.temperature;
  if (body.top_p != null) parameters.topP = body.top_p;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) parameters.maxTokens = maxTokens;
  if (body.stop != null) parameters.stop = typeof body.stop === "string" ? [body.stop] : body.stop;
  if (body.presence_penalty != null) parameters.presencePenalty = body.presence_penalty;
  if (body.frequency_penalty != null) parameters.frequencyPenalty = body.frequency_penalty;
  if (body.seed != null) parameters.seed = body.seed;
  return {
    model: body.model,
    turns: body.messages.map((message) => ({
      role: message.role === "developer" ? "system" : message.role,
      content: message.content ?? "",
    })),
    parameters,
    stream: body.stream === true,
    includeUsage: body.stream === true && body.stream_options?.include_usage === true,
    user: body.user ? body.user : null,
  };
}
