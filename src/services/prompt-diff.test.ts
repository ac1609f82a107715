import { describe, expect, it } from "vitest";
import { lineDiff, parametersText } from "./prompt-diff.ts";

describe("lineDiff", () => {
  it("numbers context, removed and added lines like a unified diff", () => {
    const diff = lineDiff("You are concise.\nAnswer briefly.\nNo preamble.", "You are concise.\nAnswer in one sentence.\nNo preamble.\nCite sources.");
    expect(diff.lines).toEqual([
      { kind: "context", text: "You are concise.", oldLine: 1, newLine: 1 },
      { kind: "removed", text: "Answer briefly.", oldLine: 2, newLine: null },
      { kind: "added", text: "Answer in one sentence.", oldLine: null, newLine: 2 },
      { kind: "context", text: "No preamble.", oldLine: 3, newLine: 3 },
      { kind: "added", text: "Cite sources.", oldLine: null, newLine: 4 },
    ]);
    expect(diff).toMatchObject({ added: 2, removed: 1 });
  });

  it("treats a missing final newline as no change and identical texts as all context", () => {
    expect(lineDiff("a\nb", "a\nb\n")).toMatchObject({ added: 0, removed: 0 });
    expect(lineDiff("same", "same").lines).toEqual([{ kind: "context", text: "same", oldLine: 1, newLine: 1 }]);
  });

  it("diffs from and to an empty text", () => {
    expect(lineDiff("", "one\ntwo").lines.map((line) => line.kind)).toEqual(["added", "added"]);
    expect(lineDiff("one\ntwo", "").lines.map((line) => line.kind)).toEqual(["removed", "removed"]);
  });
});

describe("parametersText", () => {
  it("sorts keys so equal parameters print equally", () => {
    expect(parametersText({ max_tokens: 512, temperature: 0.7 })).toBe(parametersText({ temperature: 0.7, max_tokens: 512 }));
    expect(lineDiff(parametersText({ temperature: 0.7, max_tokens: 512 }), parametersText({ temperature: 0.2, max_tokens: 512 }))).toMatchObject({
      added: 1,
      removed: 1,
    });
  });
});
