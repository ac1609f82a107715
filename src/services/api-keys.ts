// API key material. Keys are shown once and stored only as SHA-256; the short
// prefix is what lists and logs may show.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const API_KEY_PREFIX = "pl_";
const DISPLAY_PREFIX_LENGTH = 8;
/** Accepts issued keys (pl_ + base64url) and the seed's legacy `test-key-123` style. */
const WELL_FORMED_KEY = /^[A-Za-z0-9_-]{8,128}$/;

export function generateApiKey(): string {
  // 32 random bytes = 256 bits, comfortably above the 128-bit floor.
  return API_KEY_PREFIX + randomBytes(32).toString("base64url");
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export function displayPrefix(key: string): string {
  return key.slice(0, DISPLAY_PREFIX_LENGTH);
}

export function isWellFormedApiKey(key: string): boolean {
  return WELL_FORMED_KEY.test(key);
}

/** Constant-time comparison of two hex digests of equal length. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}
