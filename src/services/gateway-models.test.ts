import { describe, expect, it } from "vitest";
import { experimentModelName, resolveModelName } from "./gateway-models.ts";

describe("resolveModelName", () => {
  it("reads promptlab/<key> as an experiment", () => {
    expect(resolveModelName("promptlab/system_prompt_style")).toEqual({ experiment: "system_prompt_style" });
    expect(resolveModelName(experimentModelName("a/b"))).toEqual({ experiment: "a/b" });
  });

  it("passes any other name through as a provider model", () => {
    expect(resolveModelName("gpt-4o-mini")).toEqual({ passthroughModel: "gpt-4o-mini" });
    expect(resolveModelName("PromptLab/x")).toEqual({ passthroughModel: "PromptLab/x" });
    expect(resolveModelName("meta-llama/Llama-3.1-8B")).toEqual({ passthroughModel: "meta-llama/Llama-3.1-8B" });
  });

  it("treats a bare prefix as an experiment with an empty key, which no experiment has", () => {
    expect(resolveModelName("promptlab/")).toEqual({ experiment: "" });
  });
});
