import { describe, expect, it } from "vitest";
import { ValidationError } from "../../errors.ts";
import { parseInput } from "../../http/validation.ts";
import { chatCompletionRequestSchema, toGatewayRequest } from "./request-schema.ts";

const schema = chatCompletionRequestSchema(100);
const parse = (body: unknown) => toGatewayRequest(parseInput(schema, body));
const base = { model: "promptlab/system_prompt_style", messages: [{ role: "user", content: "hi" }] };

function fieldsOf(body: unknown): Record<string, string[]> {
  try {
    parseInput(schema, body);
  } catch (error) {
    if (error instanceof ValidationError) return error.fields ?? {};
    throw error;
  }
  throw new Error("expected a validation error");
}

describe("the chat completions request", () => {
  it("turns a minimal request into one user turn with no parameters", () => {
    expect(parse(base)).toEqual({
      model: "promptlab/system_prompt_style",
      turns: [{ role: "user", content: "hi" }],
      parameters: {},
      stream: false,
      includeUsage: false,
      user: null,
    });
  });

  it("maps OpenAI's parameters to the provider's, preferring max_completion_tokens", () => {
    const request = parse({
      ...base,
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 50,
      max_completion_tokens: 40,
      stop: "\n\n",
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      seed: 7,
      user: "end-user-1",
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(request.parameters).toEqual({
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 40,
      stop: ["\n\n"],
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      seed: 7,
    });
    expect(request).toMatchObject({ stream: true, includeUsage: true, user: "end-user-1" });
  });

  it("reads developer as system, joins text parts, and accepts the SDK's own response message back", () => {
    const request = parse({
      ...base,
      messages: [
        { role: "developer", content: "be brief" },
        { role: "user", content: [{ type: "text", text: "line one" }, { type: "text", text: "line two" }] },
        { role: "assistant", content: "ok", refusal: null, annotations: [], tool_calls: [] },
        { role: "user", content: "again", name: "alice" },
      ],
    });
    expect(request.turns).toEqual([
      { role: "system", content: "be brief" },
      { role: "user", content: "line one\nline two" },
      { role: "assistant", content: "ok" },
      { role: "user", content: "again" },
    ]);
  });

  it("treats null parameters as absent and an empty user as no user", () => {
    const request = parse({ ...base, temperature: null, max_tokens: null, stream: null, user: "" });
    expect(request).toMatchObject({ parameters: {}, stream: false, user: null });
  });

  it("accepts metadata with no effect on the answer, and the harmless forms of refused features", () => {
    expect(() =>
      parse({
        ...base,
        metadata: { team: "search" },
        store: false,
        service_tier: "auto",
        safety_identifier: "abc",
        prompt_cache_key: "k",
        n: 1,
        logprobs: false,
        response_format: { type: "text" },
        modalities: ["text"],
        tool_choice: "none",
        tools: [],
      }),
    ).not.toThrow();
  });

  it.each([
    ["tools", { tools: [{ type: "function", function: { name: "f" } }] }, "tools"],
    ["JSON mode", { response_format: { type: "json_object" } }, "response_format.type"],
    ["several choices", { n: 2 }, "n"],
    ["logprobs", { logprobs: true }, "logprobs"],
    ["logit_bias", { logit_bias: { "50256": -100 } }, "logit_bias"],
    ["a tool message", { messages: [{ role: "tool", content: "x", tool_call_id: "1" }] }, "messages.0.role"],
    ["an image part", { messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }] }, "messages.0.content"],
    ["assistant tool calls", { messages: [{ role: "assistant", content: null, tool_calls: [{ id: "1" }] }] }, "messages.0.tool_calls"],
    ["no messages", { messages: [] }, "messages"],
    ["a missing model", { model: undefined }, "model"],
    ["a missing content", { messages: [{ role: "user" }] }, "messages.0.content"],
    ["an over-long message", { messages: [{ role: "user", content: "x".repeat(101) }] }, "messages.0.content"],
    ["a temperature above 2", { temperature: 3 }, "temperature"],
    ["stream_options without stream", { stream_options: { include_usage: true } }, "stream_options"],
    ["an unknown argument", { frobnicate: true }, "frobnicate"],
  ])("refuses %s, naming the parameter", (_name, overrides, field) => {
    expect(Object.keys(fieldsOf({ ...base, ...overrides }))).toContain(field);
  });

  it("says a refused feature is unsupported rather than malformed", () => {
    expect(fieldsOf({ ...base, tools: [{ type: "function" }] }).tools).toEqual(["tools is not supported by the PromptLab gateway"]);
  });
});
