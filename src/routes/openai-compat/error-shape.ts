// Gateway errors in OpenAI's JSON shape, {"error": {message, type, param, code}},
// with the status and headers of the underlying AppError, so an OpenAI SDK
// raises its typed error (AuthenticationError, NotFoundError, RateLimitError,
// BadRequestError, InternalServerError ...) and its retry logic sees the usual
// signals. Mapping only: the errors themselves are the app's one vocabulary.
import type { ServerResponse } from "node:http";
import {
  InternalError,
  ServiceUnavailableError,
  toAppError,
  UnauthorizedError,
  UpstreamError,
  ValidationError,
  type AppError,
} from "../../errors.ts";
import { sendJson } from "../../http/respond.ts";
import type { Logger } from "../../logger.ts";
import { UnknownExperimentError } from "../../services/chat.ts";
import { experimentModelName } from "../../services/gateway-models.ts";

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * OpenAI's SDKs retry a 429 after a short backoff (they ignore a Retry-After
 * over a minute). Against an hourly window or a daily budget that only burns
 * more of the limit, so such answers carry `x-should-retry: false`, which the
 * SDKs honour.
 */
const LONGEST_USEFUL_RETRY_SECONDS = 60;

function typeFor(status: number): string {
  if (status === 429) return "requests";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function describeFields(error: AppError): { message: string; param: string | null } {
  const entries = Object.entries(error.fields ?? {});
  const first = entries[0];
  if (!first) return { message: error.message, param: null };
  const parts = entries.map(([field, messages]) =>
    messages.includes("unknown field") ? `Unrecognized request argument supplied: ${field}` : `${field}: ${messages.join("; ")}`,
  );
  return { message: `Invalid request. ${parts.join(". ")}.`, param: first[0] };
}

export function openAiError(thrown: unknown): { status: number; headers: Record<string, string>; body: OpenAiErrorBody } {
  const error = toAppError(thrown);
  const headers: Record<string, string> = { ...error.headers };
  let message = error instanceof InternalError ? "Internal server error." : error.message;
  let code: string | null = error.code;
  let param: string | null = null;

  if (error instanceof ValidationError) {
    ({ message, param } = describeFields(error));
  } else if (error instanceof UnauthorizedError) {
    code = "invalid_api_key";
    message = "Incorrect or missing API key: send a PromptLab API key as 'Authorization: Bearer <key>' (or in x-api-key).";
  } else if (error instanceof UnknownExperimentError) {
    code = "model_not_found";
    param = "model";
    message = `The model '${experimentModelName(error.experimentKey)}' does not exist: no PromptLab experiment has the key '${error.experimentKey}'.`;
  } else if (error.status === 429) {
    if (error.code === "rate_limited") code = "rate_limit_exceeded";
    if (Number(headers["Retry-After"]) > LONGEST_USEFUL_RETRY_SECONDS) headers["x-should-retry"] = "false";
  }
  return { status: error.status, headers, body: { error: { message, type: typeFor(error.status), param, code } } };
}

/**
 * A chat that failed before the answer began: 503 while the provider's circuit
 * is open or the database is unavailable (the SDK retries after Retry-After),
 * 500 when the caller's turns could not be stored for another reason,
 * otherwise 502 (the provider failed).
 */
export function chatFailureError(failure: { code: string; message: string }): AppError {
  if (failure.code === "provider_unavailable" || failure.code === "service_unavailable") {
    return new ServiceUnavailableError(failure.message, 5);
  }
  if (failure.code === "not_stored") return new InternalError(failure.message);
  return new UpstreamError(failure.message);
}

/** The one way errors leave the gateway; 4xx log at info, 5xx at error. */
export function sendOpenAiError(res: ServerResponse, thrown: unknown, log: Logger): void {
  const { status, headers, body } = openAiError(thrown);
  if (status >= 500) log.error({ err: thrown, code: body.error.code }, "gateway request failed");
  else log.info({ code: body.error.code, status }, "gateway request rejected");
  if (res.headersSent) {
    // A stream already under way ends with an error event, which OpenAI's SDKs raise as an APIError.
    if (!res.writableEnded && !res.destroyed) res.end(`data: ${JSON.stringify(body)}\n\n`);
    return;
  }
  sendJson(res, status, body, headers);
}
