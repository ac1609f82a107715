// Builds each tRPC request's context from the shared dependencies. The user is
// resolved lazily by authedProcedure, so public procedures never touch the database.
import type { CreateHTTPContextOptions } from "@trpc/server/adapters/standalone";
import type { AppDeps } from "../deps.ts";
import type { Logger } from "../logger.ts";
import type { AuthUser } from "../services/auth.ts";

export interface Context {
  deps: AppDeps;
  log: Logger;
  traceId: string;
  apiKey: string | undefined;
  user: AuthUser | null;
}

export function contextFactory(deps: AppDeps) {
  return ({ req, res }: CreateHTTPContextOptions): Context => {
    const traceId = String(res.getHeader("x-request-id") ?? "");
    const header = req.headers["x-api-key"];
    return {
      deps,
      log: deps.log.child({ trace_id: traceId }),
      traceId,
      apiKey: Array.isArray(header) ? header[0] : header,
      user: null,
    };
  };
}
