// The write path's dependencies from a tRPC context, logging with the request's trace id.
import type { Context } from "../../trpc/context.ts";
import type { ChangeDeps } from "../../services/experiment-change.ts";

export function changeDeps(ctx: Pick<Context, "deps" | "log">): ChangeDeps {
  return { db: ctx.deps.db, experiments: ctx.deps.experiments, log: ctx.log };
}
