import { describe, expect, it } from "vitest";
import type { PreparedChat } from "../../services/chat.ts";
import {
  chatCompletion,
  completionId,
  contentChunk,
  finishChunk,
  finishReasonOf,
  modelList,
  promptlabHeaders,
  roleChunk,
  usageChunk,
  usageOf,
} from "./response-shape.ts";

const meta = { id: completionId("m-1"), created: 1_700_000_000, model: "gpt-4o-mini" };

describe("gateway response shapes", () => {
  it("builds a chat.completion exactly as OpenAI does", () => {
    expect(chatCompletion(meta, "Hello", "stop", usageOf(21, 5))).toEqual({
      id: "chatcmpl-m-1",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "gpt-4o-mini",
      choices: [{ index: 0, message: { role: "assistant", content: "Hello", refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: 21, completion_tokens: 5, total_tokens: 26 },
    });
  });

  it("marks every chunk with usage: null only when usage was asked for", () => {
    expect(roleChunk(meta, false)).toEqual({
      id: "chatcmpl-m-1",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "gpt-4o-mini",
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }],
    });
    expect(contentChunk(meta, "Hi", true)).toMatchObject({ choices: [{ delta: { content: "Hi" }, finish_reason: null }], usage: null });
    expect("usage" in contentChunk(meta, "Hi", false)).toBe(false);
    expect(finishChunk(meta, "length", true)).toMatchObject({ choices: [{ delta: {}, finish_reason: "length" }], usage: null });
  });

  it("sends usage in a final chunk with no choices", () => {
    expect(usageChunk(meta, usageOf(3, 4))).toEqual({
      id: "chatcmpl-m-1",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "gpt-4o-mini",
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    });
  });

  it("reports length when the answer used its whole max_tokens allowance", () => {
    expect(finishReasonOf(512, 512)).toBe("length");
    expect(finishReasonOf(511, 512)).toBe("stop");
    expect(finishReasonOf(10_000, undefined)).toBe("stop");
  });

  it("lists models in OpenAI's list shape", () => {
    expect(modelList([{ id: "promptlab/x", created: 5, ownedBy: "promptlab" }])).toEqual({
      object: "list",
      data: [{ id: "promptlab/x", object: "model", created: 5, owned_by: "promptlab" }],
    });
  });

  it("names the message, experiment, variant and prompt version in headers, and only the message for a pass-through", () => {
    const prepared = {
      assistantMessageId: "m-1",
      conversationId: "c-1",
      experiment: { key: "exp", variant: "concise", configVersion: 3, promptVersionId: "pv-1", promptVersion: 2 },
    } as PreparedChat;
    expect(promptlabHeaders(prepared)).toEqual({
      "x-promptlab-message-id": "m-1",
      "x-promptlab-conversation-id": "c-1",
      "x-promptlab-experiment": "exp",
      "x-promptlab-variant": "concise",
      "x-promptlab-prompt-version": "2",
      "x-promptlab-prompt-version-id": "pv-1",
    });
    expect(promptlabHeaders({ ...prepared, experiment: null })).toEqual({
      "x-promptlab-message-id": "m-1",
      "x-promptlab-conversation-id": "c-1",
    });
  });
});
