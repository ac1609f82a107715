// The count cache around the real tiktoken counter: hits return the same
// count without counting again, and both memory bounds evict oldest-first.
import { describe, expect, it } from "vitest";
import { CountCache } from "./count-cache.ts";
import { encoderFor } from "./encodings.ts";
import { tiktokenTextCounter, type TextTokenCounter } from "./token-count.ts";

/** The real counter, plus how many texts actually reached it. */
function countingTiktoken(encoding: "o200k_base" | "cl100k_base"): { count: TextTokenCounter; calls: () => number } {
  const count = tiktokenTextCounter(encoderFor(encoding));
  let calls = 0;
  return {
    count: (text) => {
      calls += 1;
      return count(text);
    },
    calls: () => calls,
  };
}

const LONG_TEXT = "The system prompt repeats on every turn of a chat. ".repeat(400);

describe("CountCache", () => {
  it("counts a repeated text once and returns the same count", () => {
    const tiktoken = countingTiktoken("o200k_base");
    const count = new CountCache().counterFor("o200k_base", tiktoken.count);
    for (const text of ["hello world", LONG_TEXT]) {
      const first = count(text);
      expect(count(text)).toBe(first);
      expect(first).toBe(tiktokenTextCounter(encoderFor("o200k_base"))(text));
    }
    expect(tiktoken.calls()).toBe(2);
  });

  it("tells texts apart that differ in one character, short or long", () => {
    const tiktoken = countingTiktoken("o200k_base");
    const count = new CountCache().counterFor("o200k_base", tiktoken.count);
    const changed = `${LONG_TEXT.slice(0, -1)}!`;
    expect(count(LONG_TEXT)).not.toBe(count(`${changed} and more`));
    count("abc");
    count("abd");
    expect(tiktoken.calls()).toBe(4);
  });

  it("keeps encodings apart", () => {
    const cache = new CountCache();
    const text = "お誕生日おめでとう";
    expect(cache.counterFor("o200k_base", countingTiktoken("o200k_base").count)(text)).toBe(8);
    expect(cache.counterFor("cl100k_base", countingTiktoken("cl100k_base").count)(text)).toBe(9);
  });

  it("evicts the least recently used entry past maxEntries", () => {
    const tiktoken = countingTiktoken("o200k_base");
    const cache = new CountCache({ maxEntries: 2, maxChars: 1_000_000 });
    const count = cache.counterFor("o200k_base", tiktoken.count);
    count("a");
    count("b");
    count("a"); // a is now the most recent
    count("c"); // evicts b
    expect(cache.size).toBe(2);
    expect(tiktoken.calls()).toBe(3);
    count("a");
    expect(tiktoken.calls()).toBe(3);
    count("b");
    expect(tiktoken.calls()).toBe(4);
  });

  it("holds no more key characters than maxChars, long texts by digest", () => {
    const cache = new CountCache({ maxEntries: 1_000, maxChars: 2_000 });
    const count = cache.counterFor("o200k_base", countingTiktoken("o200k_base").count);
    for (let i = 0; i < 100; i++) count(`${i} ${LONG_TEXT}`);
    expect(cache.keyChars).toBeLessThanOrEqual(2_000);
    // A 20,000-character text is kept as a digest key of under 100 characters.
    expect(cache.keyChars / cache.size).toBeLessThan(100);
    for (let i = 0; i < 100; i++) count(`short text number ${i}`.repeat(10));
    expect(cache.keyChars).toBeLessThanOrEqual(2_000);
  });

  it("caches nothing when maxEntries is 0", () => {
    const tiktoken = countingTiktoken("o200k_base");
    const cache = new CountCache({ maxEntries: 0, maxChars: 1_000 });
    const count = cache.counterFor("o200k_base", tiktoken.count);
    count("x");
    count("x");
    expect(tiktoken.calls()).toBe(2);
    expect(cache.size).toBe(0);
  });
});
