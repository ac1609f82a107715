// JSON responses and the one way errors leave the raw routes.
import type { ServerResponse } from "node:http";
import { errorBody, toAppError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { extended } from "../extended.ts";

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(
    status,
    extended(headers, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": Buffer.byteLength(payload),
    }),
  );
  res.end(payload);
}

/** Maps anything thrown to its status and JSON body; 4xx log at info, 5xx at error. */
export function sendError(res: ServerResponse, error: unknown, log: Logger): void {
  const appError = toAppError(error);
  if (appError.status >= 500) log.error({ err: error, code: appError.code }, "request failed");
  else log.info({ code: appError.code, status: appError.status }, "request rejected");
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, appError.status, errorBody(appError), appError.headers);
}
