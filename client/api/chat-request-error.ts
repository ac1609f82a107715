// Why POST /chat was refused before any answer streamed, read from the status,
// the JSON error body and the rate-limit headers.
export type ChatRefusal =
  | { kind: "rate-limited"; limit: number | null; resetAt: Date }
  /** The daily token budget is spent (429 with code budget_exhausted). */
  | { kind: "budget-exhausted"; resetAt: Date }
  | { kind: "unauthorized" }
  | { kind: "invalid"; message: string }
  | { kind: "not-found" }
  | { kind: "server"; status: number }
  | { kind: "unreachable" }
  /** Streaming had begun when the server found it could not store the message: nothing was kept. */
  | { kind: "not-stored"; message: string };

export class ChatRequestError extends Error {
  constructor(readonly refusal: ChatRefusal) {
    super(`chat refused: ${refusal.kind}`);
    this.name = "ChatRequestError";
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; fields?: Record<string, string[]> };
}

/** When the window resets: X-RateLimit-Reset (epoch seconds), else Retry-After, else an hour. */
export function rateLimitResetAt(headers: Headers, now: number = Date.now()): Date {
  const reset = Number(headers.get("x-ratelimit-reset"));
  if (Number.isFinite(reset) && reset > 0) return new Date(reset * 1000);
  const retryAfter = Number(headers.get("retry-after"));
  if (Number.isFinite(retryAfter) && retryAfter > 0) return new Date(now + retryAfter * 1000);
  return new Date(now + 3_600_000);
}

function fieldMessage(body: ErrorBody): string {
  const fields = Object.values(body.error?.fields ?? {}).flat();
  return fields.length > 0 ? fields.join("; ") : (body.error?.message ?? "The message was not accepted.");
}

export async function chatRefusalOf(response: Response): Promise<ChatRefusal> {
  const body = (await response.json().catch(() => ({}))) as ErrorBody;
  switch (response.status) {
    case 429: {
      if (body.error?.code === "budget_exhausted") return { kind: "budget-exhausted", resetAt: rateLimitResetAt(response.headers) };
      const limit = Number(response.headers.get("x-ratelimit-limit"));
      return { kind: "rate-limited", limit: Number.isFinite(limit) && limit > 0 ? limit : null, resetAt: rateLimitResetAt(response.headers) };
    }
    case 401:
      return { kind: "unauthorized" };
    case 404:
      return { kind: "not-found" };
    case 400:
    case 413:
      return { kind: "invalid", message: fieldMessage(body) };
    default:
      return { kind: "server", status: response.status };
  }
}
