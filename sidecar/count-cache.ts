// Remembers recent token counts by (encoding, text). A chat resends its system
// prompt and the whole history on every turn, so most of what the sidecar is
// asked to count it has counted before; a hit costs a map lookup (plus a hash
// of the text for long texts) instead of a full BPE pass.
//
// Memory is bounded twice: by entries and by the characters held in keys.
// Texts longer than HASH_TEXTS_LONGER_THAN are keyed by their SHA-256, so a
// cached 100 KB prompt holds ~60 characters, not 100 KB. Hashing also keeps
// long strings out of the Map's keys: V8 hashes a string longer than 16,383
// characters by its length alone, so many same-length long keys would collide.
import { hash } from "node:crypto";
import type { EncodingName } from "./encodings.ts";
import type { TextTokenCounter } from "./token-count.ts";

export type CountCacheLimits = { maxEntries: number; maxChars: number };

// Per process, so per cluster worker: 20,000 counts, ~4 M key chars (≤ 8 MB).
export const DEFAULT_COUNT_CACHE_LIMITS: CountCacheLimits = { maxEntries: 20_000, maxChars: 4_000_000 };

const HASH_TEXTS_LONGER_THAN = 256;

export class CountCache {
  // A Map iterates in insertion order; re-inserting on every hit keeps the
  // least recently used entry first, where eviction takes it from.
  private readonly counts = new Map<string, number>();
  private chars = 0;

  constructor(private readonly limits: CountCacheLimits = DEFAULT_COUNT_CACHE_LIMITS) {}

  get size(): number {
    return this.counts.size;
  }

  get keyChars(): number {
    return this.chars;
  }

  /** Wraps a counter for one encoding so repeated texts are counted once. */
  counterFor(encoding: EncodingName, count: TextTokenCounter): TextTokenCounter {
    return (text) => {
      const key = keyOf(encoding, text);
      const cached = this.counts.get(key);
      if (cached !== undefined) {
        this.counts.delete(key);
        this.counts.set(key, cached);
        return cached;
      }
      const tokens = count(text);
      this.remember(key, tokens);
      return tokens;
    };
  }

  private remember(key: string, tokens: number): void {
    if (key.length > this.limits.maxChars || this.limits.maxEntries < 1) return;
    this.counts.set(key, tokens);
    this.chars += key.length;
    for (const oldest of this.counts.keys()) {
      if (this.counts.size <= this.limits.maxEntries && this.chars <= this.limits.maxChars) break;
      this.counts.delete(oldest);
      this.chars -= oldest.length;
    }
  }
}

function keyOf(encoding: EncodingName, text: string): string {
  // The marker character keeps a short text from ever equalling a digest key.
  if (text.length <= HASH_TEXTS_LONGER_THAN) return `${encoding}:${text}`;
  return `${encoding}#${text.length}:${hash("sha256", text, "base64")}`;
}
