import { describe, expect, it } from "vitest";
import { allocationTotal, blankExperiment, createInputOf } from "./experiment-draft.ts";

describe("createInputOf", () => {
  it("marks the chosen control, leaves empty optional numbers out and trims names", () => {
    const draft = blankExperiment();
    draft.key = " tone_test ";
    draft.name = "Tone";
    draft.controlIndex = 1;
    draft.variants[0]!.systemPrompt = "Be warm.";
    draft.variants[0]!.temperature = "0.4";
    draft.variants[1]!.systemPrompt = "Be brief.";
    draft.variants[1]!.maxTokens = "256";
    expect(createInputOf(draft)).toEqual({
      key: "tone_test",
      name: "Tone",
      variants: [
        { key: "control", allocation: 50, isControl: false, prompt: { systemPrompt: "Be warm.", model: "gpt-4o-mini", parameters: { temperature: 0.4 } } },
        { key: "treatment", allocation: 50, isControl: true, prompt: { systemPrompt: "Be brief.", model: "gpt-4o-mini", parameters: { max_tokens: 256 } } },
      ],
    });
  });

  it("passes a bad number through for the server to name, and totals what was typed", () => {
    const draft = blankExperiment();
    draft.variants[0]!.allocation = "sixty";
    expect(createInputOf(draft).variants[0]!.allocation).toBeNaN();
    expect(allocationTotal(draft)).toBe(50);
  });
});
