import { describe, expect, it } from "vitest";
import { sideBySide, type DiffLine } from "./diff-rows.ts";

const context = (text: string, oldLine: number, newLine: number): DiffLine => ({ kind: "context", text, oldLine, newLine });
const removed = (text: string, oldLine: number): DiffLine => ({ kind: "removed", text, oldLine, newLine: null });
const added = (text: string, newLine: number): DiffLine => ({ kind: "added", text, oldLine: null, newLine });

describe("sideBySide", () => {
  it("puts a changed line beside its replacement and keeps context on both sides", () => {
    const rows = sideBySide([context("a", 1, 1), removed("b", 2), added("B", 2), context("c", 3, 3)]);
    expect(rows).toEqual([
      { old: { line: 1, text: "a", kind: "context" }, new: { line: 1, text: "a", kind: "context" } },
      { old: { line: 2, text: "b", kind: "removed" }, new: { line: 2, text: "B", kind: "added" } },
      { old: { line: 3, text: "c", kind: "context" }, new: { line: 3, text: "c", kind: "context" } },
    ]);
  });

  it("leaves the other side empty for uneven runs", () => {
    const rows = sideBySide([removed("x", 1), removed("y", 2), added("z", 1), added("w", 2), added("v", 3)]);
    expect(rows.map((row) => [row.old?.text ?? null, row.new?.text ?? null])).toEqual([
      ["x", "z"],
      ["y", "w"],
      [null, "v"],
    ]);
  });
});
