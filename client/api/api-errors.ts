// Reading tRPC errors: the HTTP status and PromptLab's stable error code that
// the server's errorFormatter puts in `data`.
import { TRPCClientError } from "@trpc/client";

interface ErrorData {
  httpStatus?: number;
  appCode?: string;
  /** zod's messages by field path ("variants.0.key"), for forms. */
  fields?: Record<string, string[]> | null;
}

function dataOf(error: unknown): ErrorData | undefined {
  return error instanceof TRPCClientError ? (error.data as ErrorData | undefined) : undefined;
}

export function httpStatusOf(error: unknown): number | undefined {
  return dataOf(error)?.httpStatus;
}

export function fieldErrorsOf(error: unknown): Record<string, string[]> {
  return dataOf(error)?.fields ?? {};
}

export function isUnauthorized(error: unknown): boolean {
  return httpStatusOf(error) === 401;
}

/** True when the request never got an HTTP answer (server down, network gone). */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof TRPCClientError && dataOf(error) === undefined && error.cause instanceof TypeError;
}

/** A sentence a person can act on, for any query or mutation failure. */
export function describeError(error: unknown): string {
  if (isNetworkFailure(error)) return "Can't reach the PromptLab server. It will retry when the connection is back.";
  const status = httpStatusOf(error);
  if (status === 401) return "Your API key was not accepted.";
  if (status === 403) return "This needs the admin role.";
  if (status === 404) return "Not found: it may have been deleted, or it belongs to someone else.";
  if (status !== undefined && status >= 500) return "The server had a problem. Try again in a moment.";
  const fields = Object.entries(fieldErrorsOf(error));
  if (status === 400 && fields.length > 0) return fields.map(([path, messages]) => `${path}: ${messages.join(", ")}`).join("; ");
  return error instanceof Error ? error.message : "Something went wrong.";
}
