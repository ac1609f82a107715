// Maps a model name to the tiktoken encoding its tokenizer uses, and owns the
// process-wide encoder cache: building an encoder parses ~200k BPE ranks
// (tens to hundreds of ms), so each one is built once and never freed.
import { get_encoding, type Tiktoken } from "tiktoken";

export type EncodingName = "o200k_base" | "cl100k_base";

export type ResolvedEncoding = {
  encoding: EncodingName;
  /** true when the model matched no known family and we guessed. */
  defaulted: boolean;
};

// Newer families are listed before the bare "gpt-4" rule so that gpt-4o,
// gpt-4.1 and gpt-4.5 never fall through to cl100k_base.
const FAMILY_RULES: ReadonlyArray<{ pattern: RegExp; encoding: EncodingName }> = [
  { pattern: /^gpt-4o(?:$|-)/, encoding: "o200k_base" },
  { pattern: /^chatgpt-4o(?:$|-)/, encoding: "o200k_base" },
  { pattern: /^gpt-4\.1(?:$|-)/, encoding: "o200k_base" },
  { pattern: /^gpt-4\.5(?:$|-)/, encoding: "o200k_base" },
  { pattern: /^gpt-5(?:$|[-.])/, encoding: "o200k_base" },
  { pattern: /^o\d+(?:$|-)/, encoding: "o200k_base" },
  { pattern: /^gpt-4(?:$|-)/, encoding: "cl100k_base" },
  { pattern: /^gpt-3\.5-turbo(?:$|-)/, encoding: "cl100k_base" },
];

// Unknown models are most likely new OpenAI releases, which all use o200k_base.
const DEFAULT_ENCODING: EncodingName = "o200k_base";

export function resolveEncoding(model: string): ResolvedEncoding {
  const normalized = model.trim().toLowerCase();
  for (const rule of FAMILY_RULES) {
    if (rule.pattern.test(normalized)) return { encoding: rule.encoding, defaulted: false };
  }
  return { encoding: DEFAULT_ENCODING, defaulted: true };
}

const encoderCache = new Map<EncodingName, Tiktoken>();

export function encoderFor(encoding: EncodingName): Tiktoken {
  let encoder = encoderCache.get(encoding);
  if (!encoder) {
    encoder = get_encoding(encoding);
    encoderCache.set(encoding, encoder);
  }
  return encoder;
}

/** Builds every encoder up front so the first request does not pay for it. */
export function warmEncoders(): void {
  encoderFor("o200k_base");
  encoderFor("cl100k_base");
}
