// Admin: canary ramps and guardrails. Start a new version as a canary, move it
// on or roll it back by hand, and run the guardrail check now instead of
// waiting for the timer.
import {
  advanceCanarySchema,
  adminAdvanceCanary,
  adminRollbackCanary,
  rollbackCanarySchema,
  startCanary,
  startCanarySchema,
} from "../../services/canary-rollout.ts";
import { adminProcedure, router } from "../../trpc/init.ts";
import { changeDeps } from "./change-deps.ts";

export const adminRolloutRouter = router({
  startCanary: adminProcedure
    .input(startCanarySchema)
    .mutation(({ ctx, input }) => startCanary(changeDeps(ctx), ctx.user.id, input)),

  /** Skips the rest of the current step's hold; after the last step, promotes. */
  advanceCanary: adminProcedure
    .input(advanceCanarySchema)
    .mutation(({ ctx, input }) => adminAdvanceCanary(changeDeps(ctx), ctx.user.id, input)),

  /** Sends the canary's users back to the active version; a reason is required. */
  rollbackCanary: adminProcedure
    .input(rollbackCanarySchema)
    .mutation(({ ctx, input }) => adminRollbackCanary(changeDeps(ctx), ctx.user.id, input)),

  /** One guardrail round now (on this instance, if no other holds the lock). */
  checkGuardrails: adminProcedure.mutation(({ ctx }) => ctx.deps.guardrails.runExclusive()),
});
