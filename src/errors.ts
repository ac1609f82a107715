// One error vocabulary for every transport. Services throw AppError subclasses;
// tRPC, the SSE route and the REST routes map them the same way, and anything
// else becomes a 500 whose message never reaches the client.
export type FieldErrors = Record<string, string[]>;

export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly headers: Record<string, string> = {};
  readonly fields?: FieldErrors;

  constructor(message: string, options?: { fields?: FieldErrors; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.fields) this.fields = options.fields;
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly code = "invalid_request";
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = "unauthorized";
  constructor() {
    // One message for missing, malformed, unknown, revoked and expired keys, so a
    // caller learns nothing about which keys exist.
    super("A valid API key is required in the x-api-key header.");
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = "forbidden";
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = "not_found";
}

export class MethodNotAllowedError extends AppError {
  readonly status = 405;
  readonly code = "method_not_allowed";
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly code = "conflict";
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = "payload_too_large";
}

export class RateLimitedError extends AppError {
  readonly status = 429;
  readonly code = "rate_limited";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    rateLimitHeaders: Record<string, string>,
  ) {
    super(message);
    Object.assign(this.headers, rateLimitHeaders, { "Retry-After": String(retryAfterSeconds) });
  }
}

export class UpstreamError extends AppError {
  readonly status = 502;
  readonly code = "upstream_error";
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly code = "service_unavailable";
  constructor(message: string, retryAfterSeconds = 5, options?: { cause?: unknown }) {
    super(message, options);
    this.headers["Retry-After"] = String(retryAfterSeconds);
  }
}

export class InternalError extends AppError {
  readonly status = 500;
  readonly code = "internal_error";
}

// node-postgres reports an unreachable server or an exhausted pool with plain
// Errors (Prisma's driver adapter passes them through), so they are recognised
// by their stable messages and codes.
const UNAVAILABLE_MESSAGES = [
  "timeout exceeded when trying to connect",
  "Connection terminated unexpectedly",
  "Connection terminated due to connection timeout",
  "connect ECONNREFUSED",
];
const UNAVAILABLE_CODES = new Set(["P1001", "P1002", "P1017", "P2024", "ECONNREFUSED", "ECONNRESET", "57P01", "57P03", "53300"]);

function isDatabaseUnavailable(error: object): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && UNAVAILABLE_CODES.has(code)) return true;
  const message = (error as { message?: unknown }).message;
  if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((text) => message.includes(text))) return true;
  const kind = (error as { meta?: { driverAdapterError?: { cause?: { kind?: unknown } } } }).meta?.driverAdapterError?.cause?.kind;
  return kind === "DatabaseNotReachable" || kind === "ConnectionClosed";
}

/** Database errors with a meaning for the caller: conflicts, missing rows, outages. */
function fromDatabaseError(error: unknown): AppError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  if (isDatabaseUnavailable(error)) {
    return new ServiceUnavailableError("The database is unavailable; try again shortly.", 5, { cause: error });
  }
  const code = (error as { code?: unknown }).code;
  if (code === "P2002") return new ConflictError("That record already exists.", { cause: error });
  if (code === "P2025") return new NotFoundError("Not found.", { cause: error });
  return undefined;
}

/** Any thrown value to an AppError; unknown ones become a 500 with a generic message. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return fromDatabaseError(error) ?? new InternalError("Internal server error.", { cause: error });
}

/** The JSON body every non-tRPC route returns for an error. 5xx details stay in the logs. */
export function errorBody(error: AppError): {
  error: { code: string; message: string; fields?: FieldErrors };
} {
  const message = error.status >= 500 && error instanceof InternalError ? "Internal server error." : error.message;
  return { error: { code: error.code, message, ...(error.fields ? { fields: error.fields } : {}) } };
}
