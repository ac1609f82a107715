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
      const result = await ctx.deps.lifecycle.track(() => submitFeedback(ctx.deps, ctx.user.id, input.messageId, input.rating));
      // Debug, not info: at thousands of ratings a second a line each would cost more than the rating.
      ctx.log.debug({ message_id: input.messageId, rating: input.rating, status: result.status }, "feedback recorded");
      if (result.status !== "unchanged") ctx.deps.guardrails.requestRun();
      return result;
    }),

  stats: authedProcedure.query(({ ctx }) => experimentStats(ctx.deps.db)),
});
