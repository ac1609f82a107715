import { describe, expect, it } from "vitest";
import { InternalError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError } from "../../errors.ts";
import { UnknownExperimentError } from "../../services/chat.ts";
import { BudgetExhaustedError } from "../../services/token-budget.ts";
import { chatFailureError, openAiError } from "./error-shape.ts";

describe("gateway errors in OpenAI's shape", () => {
  it("answers a bad key as OpenAI does, with one message for every kind of bad key", () => {
    expect(openAiError(new UnauthorizedError())).toEqual({
      status: 401,
      headers: {},
      body: {
        error: {
          message: "Incorrect or missing API key: send a PromptLab API key as 'Authorization: Bearer <key>' (or in x-api-key).",
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      },
    });
  });

  it("answers an unknown experiment as an unknown model", () => {
    const { status, body } = openAiError(new UnknownExperimentError("nope"));
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: "model_not_found", param: "model", type: "invalid_request_error" });
    expect(body.error.message).toContain("'promptlab/nope'");
  });

  it("names the first bad field as param and lists every problem", () => {
    const error = new ValidationError("The request body is invalid.", {
      fields: { temperature: ["Too big: expected number to be <=2"], frobnicate: ["unknown field"] },
    });
    const { status, body } = openAiError(error);
    expect(status).toBe(400);
    expect(body.error.param).toBe("temperature");
    expect(body.error.message).toContain("temperature: Too big");
    expect(body.error.message).toContain("Unrecognized request argument supplied: frobnicate");
  });

  it("keeps Retry-After on a 429 and tells SDKs not to retry within an hourly window", () => {
    const limited = openAiError(new RateLimitedError("limit reached", 1_800, { "X-RateLimit-Limit": "100" }));
    expect(limited.status).toBe(429);
    expect(limited.headers).toMatchObject({ "Retry-After": "1800", "X-RateLimit-Limit": "100", "x-should-retry": "false" });
    expect(limited.body.error).toMatchObject({ type: "requests", code: "rate_limit_exceeded" });

    const soon = openAiError(new RateLimitedError("limit reached", 30, {}));
    expect(soon.headers["x-should-retry"]).toBeUndefined();

    const budget = openAiError(new BudgetExhaustedError(1_000, new Date(Date.now() + 3_600_000)));
    expect(budget.status).toBe(429);
    expect(budget.headers["x-should-retry"]).toBe("false");
    expect(budget.body.error.code).toBe("budget_exhausted");
  });

  it("hides internal details and keeps other 404s as they are", () => {
    expect(openAiError(new Error("secret connection string")).body.error).toEqual({
      message: "Internal server error.",
      type: "server_error",
      param: null,
      code: "internal_error",
    });
    expect(openAiError(new InternalError("boom")).body.error.message).toBe("Internal server error.");
    expect(openAiError(new NotFoundError("Invalid URL (GET /v1/x)")).body.error).toMatchObject({ code: "not_found", param: null });
  });

  it("answers a provider failure with 502, or 503 with Retry-After while the provider's circuit is open", () => {
    const failed = openAiError(chatFailureError({ code: "upstream_error", message: "The model provider failed (HTTP 500)." }));
    expect(failed.status).toBe(502);
    expect(failed.body.error).toEqual({
      message: "The model provider failed (HTTP 500).",
      type: "server_error",
      param: null,
      code: "upstream_error",
    });
    const paused = openAiError(chatFailureError({ code: "provider_unavailable", message: "paused" }));
    expect(paused.status).toBe(503);
    expect(paused.headers["Retry-After"]).toBe("5");
  });

  it("answers turns the database could not store with 503 while it is unavailable, otherwise 500", () => {
    const unavailable = openAiError(chatFailureError({ code: "service_unavailable", message: "The database is unavailable; try again shortly." }));
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers["Retry-After"]).toBe("5");
    expect(unavailable.body.error.message).toBe("The database is unavailable; try again shortly.");
    const notStored = openAiError(chatFailureError({ code: "not_stored", message: "The message could not be stored." }));
    expect(notStored.status).toBe(500);
    expect(notStored.body.error.type).toBe("server_error");
  });
});
