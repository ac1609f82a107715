// Token counts against reference values, so a wrong encoding, a wrong tiktoken
// call or a change in chat framing shows up as a number mismatch.
import { describe, expect, it } from "vitest";
import { encoderFor, resolveEncoding, type EncodingName } from "./encodings.ts";
import { countChatTokens, tiktokenTextCounter, type ChatMessage } from "./token-count.ts";

function counterFor(encoding: EncodingName) {
  return tiktokenTextCounter(encoderFor(encoding));
}

describe("model to encoding", () => {
  it.each([
    ["gpt-4o", "o200k_base"],
    ["gpt-4o-2024-08-06", "o200k_base"],
    ["gpt-4o-mini", "o200k_base"],
    ["gpt-4.1-nano", "o200k_base"],
    ["gpt-4.5-preview", "o200k_base"],
    ["gpt-5", "o200k_base"],
    ["gpt-5-mini", "o200k_base"],
    ["o1", "o200k_base"],
    ["o3-mini-2025-01-31", "o200k_base"],
    ["o4-mini", "o200k_base"],
    ["gpt-4", "cl100k_base"],
    ["gpt-4-0613", "cl100k_base"],
    ["gpt-4-turbo-2024-04-09", "cl100k_base"],
    ["gpt-3.5-turbo", "cl100k_base"],
    ["gpt-3.5-turbo-0125", "cl100k_base"],
  ] as const)("%s uses %s", (model, encoding) => {
    expect(resolveEncoding(model)).toEqual({ encoding, defaulted: false });
  });

  it("defaults unknown models to o200k_base and says so", () => {
    expect(resolveEncoding("my-finetune")).toEqual({ encoding: "o200k_base", defaulted: true });
    expect(resolveEncoding("simulator")).toEqual({ encoding: "o200k_base", defaulted: true });
  });

  it("hands out one cached encoder per encoding", () => {
    expect(encoderFor("o200k_base")).toBe(encoderFor("o200k_base"));
    expect(encoderFor("o200k_base")).not.toBe(encoderFor("cl100k_base"));
  });
});

describe("plain text counts", () => {
  // Sources:
  //  [C] OpenAI cookbook "How to count tokens with tiktoken": num_tokens_from_string
  //      and compare_encodings outputs for these strings.
  //  [T] Computed once with tiktoken 1.0.22 (this repo's version), encode_ordinary.
  it.each([
    ["tiktoken is great!", 6, 6], // [C] cl100k 6; [T] o200k 6
    ["antidisestablishmentarianism", 6, 6], // [C]
    ["2 + 2 = 4", 7, 7], // [C]
    ["お誕生日おめでとう", 9, 8], // [C] cl100k 9, o200k 8
    ["こんにちは世界", 4, 2], // [T]
    ["", 0, 0],
  ] as const)("%j: cl100k %i, o200k %i", (text, cl100k, o200k) => {
    expect(counterFor("cl100k_base")(text)).toBe(cl100k);
    expect(counterFor("o200k_base")(text)).toBe(o200k);
  });

  it("counts special-token text as plain text instead of throwing", () => {
    // [T] "<|endoftext|>" is 7 ordinary tokens in both encodings.
    expect(counterFor("cl100k_base")("<|endoftext|>")).toBe(7);
    expect(counterFor("o200k_base")("<|endoftext|>")).toBe(7);
  });
});

describe("chat framing", () => {
  const countChars = (text: string) => text.length;

  it("adds 3 per message, 1 per name and 3 for the reply priming", () => {
    expect(countChatTokens([], countChars)).toBe(3);
    // 3 priming + 3 message + "user"(4) + "hi"(2)
    expect(countChatTokens([{ role: "user", content: "hi" }], countChars)).toBe(12);
    // ... + 1 name + "bob"(3)
    expect(countChatTokens([{ role: "user", content: "hi", name: "bob" }], countChars)).toBe(16);
  });

  // The cookbook's example conversation. Its published output, which it also
  // checks against the API's prompt_tokens: 129 for gpt-3.5-turbo-0125,
  // gpt-4-0613 and gpt-4; 124 for gpt-4o and gpt-4o-mini.
  const cookbookMessages: ChatMessage[] = [
    {
      role: "system",
      content: "You are a helpful, pattern-following assistant that translates corporate jargon into plain English.",
    },
    { role: "system", name: "example_user", content: "New synergies will help drive top-line growth." },
    { role: "system", name: "example_assistant", content: "Things working well together will increase revenue." },
    {
      role: "system",
      name: "example_user",
      content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
    },
    {
      role: "system",
      name: "example_assistant",
      content: "Let's talk later when we're less busy about how to do better.",
    },
    {
      role: "user",
      content: "This late pivot means we don't have time to boil the ocean for the client deliverable.",
    },
  ];

  it.each([
    ["gpt-3.5-turbo-0125", 129],
    ["gpt-4-0613", 129],
    ["gpt-4o-2024-08-06", 124],
    ["gpt-4o-mini", 124],
  ] as const)("cookbook example on %s is %i tokens", (model, expected) => {
    const counter = counterFor(resolveEncoding(model).encoding);
    expect(countChatTokens(cookbookMessages, counter)).toBe(expected);
  });
});
