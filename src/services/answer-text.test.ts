// AnswerText must read back exactly what joining the deltas as strings gives
// (made well-formed, as storing it in PostgreSQL does), however the text is
// split, and must keep it outside the JavaScript heap.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AnswerText } from "./answer-text.ts";

/** Every unpaired surrogate replaced by U+FFFD (String.prototype.toWellFormed, which Node 20's typings lack). */
const wellFormed = (text: string) => text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\uFFFD");

function collect(deltas: string[]): AnswerText {
  const text = new AnswerText();
  for (const delta of deltas) text.append(delta);
  return text;
}

describe("AnswerText", () => {
  it("is empty until text arrives, and empty deltas change nothing", () => {
    const text = new AnswerText();
    expect(text.isEmpty).toBe(true);
    text.append("");
    expect(text.isEmpty).toBe(true);
    expect(text.toString()).toBe("");
    text.append("hi");
    expect(text.isEmpty).toBe(false);
  });

  it("joins a character split between two deltas", () => {
    const emoji = "👩‍👩‍👧";
    const halves = [emoji.slice(0, 1), emoji.slice(1, 5), emoji.slice(5)];
    expect(collect(["a", ...halves, "b"]).toString()).toBe(`a${emoji}b`);
  });

  it("stores an unpaired surrogate as U+FFFD, wherever it falls", () => {
    expect(collect(["x\ud83d"]).toString()).toBe("x\uFFFD");
    expect(collect(["\ud83d", "\ud83d", "y"]).toString()).toBe("\uFFFD\uFFFDy");
    expect(collect(["\ude00z"]).toString()).toBe("\uFFFDz");
  });

  it("grows past its first buffer without losing bytes", () => {
    const deltas = Array.from({ length: 300 }, (_, i) => `${i}:${"é".repeat(i % 17)}ω `);
    expect(collect(deltas).toString()).toBe(deltas.join(""));
  });

  it("reads back the joined deltas for any split of any text", () => {
    const surrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
    const delta = fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: surrogate, maxLength: 2 }));
    fc.assert(
      fc.property(fc.array(delta, { maxLength: 40 }), (deltas) => {
        const joined = deltas.join("");
        expect(collect(deltas).toString()).toBe(wellFormed(joined));
        // The same text one UTF-16 unit per delta: every pair is split.
        expect(collect(joined.split("")).toString()).toBe(wellFormed(joined));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the text out of the JavaScript heap", () => {
    // 16 MB, so that buffers of the tests before, freed by a collection during
    // the loop, cannot hide it (with 80 KB a CI run measured −1.5 KB).
    const text = new AnswerText();
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 200; i++) text.append("x".repeat(80_000));
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThanOrEqual(16_000_000);
    expect(text.toString().length).toBe(16_000_000);
  });
});
