// The piecewise counter must give exactly tiktoken's encode_ordinary count for
// any text, for both encodings: checked on hand-picked edge cases and on
// random strings of mixed scripts, digits, contractions and whitespace.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encoderFor, type EncodingName } from "./encodings.ts";
import { piecewiseTextCounter } from "./piecewise-counter.ts";
import { TIKTOKEN_PATTERNS } from "./pretokenize.ts";

const ENCODINGS: EncodingName[] = ["o200k_base", "cl100k_base"];
const require = createRequire(import.meta.url);

const EDGE_CASES = [
  "",
  "hello world",
  "I'M HERE, you're there; THEY'LL go. ſ'S 'ſ",
  "1234567 12,345.678 ٣٤٥٦ ⅷ",
  "  leading and trailing   \n\n\t \r\n  ",
  "a\u0085b\ufeffc\u00a0d\u2028e\u3000f",
  "<|endoftext|> <|im_start|>user",
  "e\u0301te\u0301 ﾊﾝｶｸ 한국어 中文字符 العربية हिन्दी",
  "emoji 👩‍👩‍👧‍👦🇯🇵 and lone \ud800 surrogate",
  "path/to/file.ts//comment\n\n\nfoo(){ return x&&y||z; }",
  "   \n   ",
  "x".repeat(200) + " " + "!".repeat(300),
];

// Pieces from many scripts and classes, so random texts hit every alternative.
const piece = fc.oneof(
  fc.constantFrom("the", " The", "don't", "I'LL", "'s", "ſ", "über", "ÉCOLE", "naïve", "日本語", "한국", "Ωμέγα", "e\u0301", "\u0301", "👍", "🇯🇵"),
  fc.constantFrom(" ", "  ", "\n", "\r\n", "\t", "\u0085", "\ufeff", "\u00a0", "\u3000", " \n ", "\n\n"),
  fc.constantFrom("0", "12", "12345", "٣", "Ⅻ", ".", ",", "!?", "/", "//", "<|endoftext|>", "'", "\"", "--", "$"),
  fc.string({ unit: "grapheme", maxLength: 6 }),
  fc.string({ unit: "binary", maxLength: 4 }),
);
// Characters past U+2FFFF include ones assigned only in the newest Unicode,
// where Node's ICU and tiktoken's regex disagree (documented in pretokenize.ts).
const text = fc
  .array(piece, { maxLength: 40 })
  .map((pieces) => pieces.join(""))
  .filter((sample) => [...sample].every((char) => char.codePointAt(0)! <= 0x2ffff));

describe("piecewiseTextCounter", () => {
  it("uses tiktoken's own split patterns", () => {
    for (const encoding of ENCODINGS) {
      const file = require.resolve(`tiktoken/encoders/${encoding}.json`);
      const { pat_str } = JSON.parse(readFileSync(file, "utf8")) as { pat_str: string };
      expect(TIKTOKEN_PATTERNS[encoding]).toBe(pat_str);
    }
  });

  it.each(ENCODINGS)("matches encode_ordinary on edge cases (%s)", (encoding) => {
    const encoder = encoderFor(encoding);
    const count = piecewiseTextCounter(encoding, encoder);
    for (const sample of EDGE_CASES) {
      // Twice: the second pass answers from remembered pieces.
      expect(count(sample), JSON.stringify(sample)).toBe(encoder.encode_ordinary(sample).length);
      expect(count(sample), JSON.stringify(sample)).toBe(encoder.encode_ordinary(sample).length);
    }
  });

  it.each(ENCODINGS)("matches encode_ordinary on random text (%s)", (encoding) => {
    const encoder = encoderFor(encoding);
    const count = piecewiseTextCounter(encoding, encoder);
    fc.assert(
      fc.property(text, (sample) => count(sample) === encoder.encode_ordinary(sample).length),
      { numRuns: 3_000 },
    );
  });
});
