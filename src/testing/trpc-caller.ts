// A server-side tRPC caller authenticated with an API key, exactly as the HTTP
// adapter would build its context.
import type { AppDeps } from "../deps.ts";
import { createCallerFactory } from "../trpc/init.ts";
import { appRouter } from "../trpc/router.ts";

const createCaller = createCallerFactory(appRouter);

export function callerFor(deps: AppDeps, apiKey: string | undefined) {
  return createCaller({ deps, log: deps.log, traceId: "test", apiKey, user: null });
}
