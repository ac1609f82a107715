import { describe, expect, it } from "vitest";
import type { ChatTurn } from "./llm/provider.ts";
import { applySystemPrompt, DEFAULT_SYSTEM_MESSAGE_POLICY } from "./system-message-policy.ts";

const caller: ChatTurn[] = [
  { role: "system", content: "You are the app's assistant." },
  { role: "user", content: "first" },
  { role: "assistant", content: "answer" },
  { role: "system", content: "Context: the user is on the pricing page." },
  { role: "user", content: "second" },
];

describe("applySystemPrompt", () => {
  it("replaces every caller system message with the variant's prompt", () => {
    expect(applySystemPrompt(caller, "VARIANT", "replace")).toEqual([
      { role: "system", content: "VARIANT" },
      { role: "user", content: "first" },
      { role: "assistant", content: "answer" },
      { role: "user", content: "second" },
    ]);
  });

  it("prepends the variant's prompt and keeps the caller's system messages in place", () => {
    expect(applySystemPrompt(caller, "VARIANT", "prepend")).toEqual([{ role: "system", content: "VARIANT" }, ...caller]);
  });

  it("leaves the caller's turns alone when there is no prompt to apply", () => {
    const result = applySystemPrompt(caller, null, "replace");
    expect(result).toEqual(caller);
    expect(result).not.toBe(caller);
  });

  it("defaults to replace, so the experiment measures the variant's prompt alone", () => {
    expect(DEFAULT_SYSTEM_MESSAGE_POLICY).toBe("replace");
  });
});
