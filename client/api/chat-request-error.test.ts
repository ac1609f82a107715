import { describe, expect, it } from "vitest";
import { chatRefusalOf, rateLimitResetAt } from "./chat-request-error.ts";

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("chatRefusalOf", () => {
  it("reads the rate limit and its reset time from the headers", async () => {
    const refusal = await chatRefusalOf(
      json(429, { error: { code: "rate_limited", message: "..." } }, { "X-RateLimit-Limit": "100", "X-RateLimit-Reset": "1800000000", "Retry-After": "60" }),
    );
    expect(refusal).toEqual({ kind: "rate-limited", limit: 100, resetAt: new Date(1_800_000_000_000) });
  });

  it("tells a spent token budget from the hourly limit", async () => {
    const refusal = await chatRefusalOf(json(429, { error: { code: "budget_exhausted", message: "..." } }, { "Retry-After": "120" }));
    expect(refusal.kind).toBe("budget-exhausted");
  });

  it("passes the server's field messages on for a bad request", async () => {
    const refusal = await chatRefusalOf(json(400, { error: { code: "invalid_request", fields: { message: ["message must not be empty"] } } }));
    expect(refusal).toEqual({ kind: "invalid", message: "message must not be empty" });
  });

  it("survives a body that is not JSON", async () => {
    expect(await chatRefusalOf(new Response("Bad gateway", { status: 502 }))).toEqual({ kind: "server", status: 502 });
  });
});

describe("rateLimitResetAt", () => {
  it("falls back to Retry-After when there is no reset header", () => {
    expect(rateLimitResetAt(new Headers({ "retry-after": "30" }), 1_000)).toEqual(new Date(31_000));
  });
});
