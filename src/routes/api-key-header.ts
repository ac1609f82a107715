// The API key of a raw HTTP request: x-api-key, or an OpenAI-style bearer token.
import type { IncomingMessage } from "node:http";

export function apiKeyFrom(req: IncomingMessage): string | undefined {
  const header = req.headers["x-api-key"];
  const key = Array.isArray(header) ? header[0] : header;
  if (key) return key;
  const authorization = req.headers.authorization;
  return authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : undefined;
}
