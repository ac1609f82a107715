// Feedback procedures: rate an answer, read the per-variant results.
import { z } from "zod";
import { experimentStats } from "../services/experiment-stats.ts";
import { ratingSchema, submitFeedback } from "../services/feedback.ts";
import { authedProcedure, router } from "../trpc/init.ts";

export const feedbackRouter = router({
  submit: authedProcedure
    .input(z.strictObject({ messageId: z.uuid(), rating: ratingSchema }))
    .mutation(async ({ ctx, input }) => {
      // Tracked so a graceful shutdown waits for ratings already being written.
      return ctx.deps.lifecycle.track(() => submitFeedback(ctx.deps, ctx.log, ctx.user.id, input.messageId, input.rating));
    }),

  stats: authedProcedure.query(({ ctx }) => experimentStats(ctx.deps.db)),
});
