// `me`: who the key belongs to and how much of the rate limit is left.
import { authedProcedure } from "../trpc/init.ts";

export const meProcedure = authedProcedure.query(async ({ ctx }) => {
  const window = await ctx.deps.rateLimiter.peek(ctx.user);
  return {
    id: ctx.user.id,
    name: ctx.user.name,
    role: ctx.user.role,
    rateLimit: {
      limit: window.limit,
      remaining: window.remaining,
      resetAt: window.resetAt.toISOString(),
      algorithm: ctx.user.rateLimitAlgorithm,
    },
    dailyTokenBudget: ctx.deps.tokenBudget.budgetFor(ctx.user) || null,
  };
});
