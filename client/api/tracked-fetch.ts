// fetch that tells the connection status whether the server could be reached.
// Both tRPC and the chat stream use it, so one banner covers every request.
import { reportReachable } from "./connection-status.ts";

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

export async function trackedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  try {
    const response = await fetch(input, init);
    reportReachable(true);
    return response;
  } catch (error) {
    if (!isAbort(error)) reportReachable(false);
    throw error;
  }
}
