// tiktoken's pre-tokenizer patterns, translated to JavaScript regular
// expressions. tiktoken splits text with one regex and runs BPE on each piece
// on its own, so a text's count is the sum of its pieces' counts: splitting
// here lets the sidecar remember counts per piece (see piecewise-counter.ts).
//
// The patterns are tiktoken's own (its encoders/<name>.json pat_str; the test
// checks they still match), translated where Rust's regex and JavaScript's
// differ in meaning:
// - JS has no inline (?i:...) in Node 20: the contractions are spelled out.
//   Rust folds case by Unicode simple folding, so 's also matches 'ſ (U+017F).
// - Rust's \s is Unicode White_Space (includes U+0085, excludes U+FEFF); JS's
//   \s is not, so \s and \S become \p{White_Space} and \P{White_Space}.
//
// One known difference: Node's ICU knows newer Unicode than the regex engine
// compiled into tiktoken's WASM, so a character assigned only in the newest
// Unicode version can be a letter here and not there, and a text holding one
// may count a token or so differently (a review found U+323B0 followed by
// "'ll": 5 here, 6 from encode_ordinary). 30,000 fuzzed texts per encoding
// with characters up to U+2FFFF all matched.
import type { EncodingName } from "./encodings.ts";

export const TIKTOKEN_PATTERNS: Record<EncodingName, string> = {
  cl100k_base: String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
  o200k_base: String.raw`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
};

const CASE_INSENSITIVE_CONTRACTIONS = "(?i:'s|'t|'re|'ve|'m|'ll|'d)";
const SPELLED_OUT_CONTRACTIONS = "(?:'[sSſ]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";

export function toJavaScriptPattern(tiktokenPattern: string): string {
  const translated = tiktokenPattern
    .replaceAll(CASE_INSENSITIVE_CONTRACTIONS, SPELLED_OUT_CONTRACTIONS)
    .replaceAll(String.raw`\s`, String.raw`\p{White_Space}`)
    .replaceAll(String.raw`\S`, String.raw`\P{White_Space}`);
  if (translated.includes("(?i")) throw new Error(`untranslated case-insensitive group in ${tiktokenPattern}`);
  return translated;
}

/** A global, Unicode-aware splitter: `text.match(splitter)` gives the pieces (match() starts each text from its beginning). */
export function pretokenizer(encoding: EncodingName): RegExp {
  return new RegExp(toJavaScriptPattern(TIKTOKEN_PATTERNS[encoding]), "gu");
}
