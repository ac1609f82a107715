// `me`: who the key belongs to and how much of the rate limit is left.
import { peekRateLimit } from "../services/rate-limit.ts";
import { authedProcedure } from "../trpc/init.ts";

export const meProcedure = authedProcedure.query(async ({ ctx }) => {
  const limit = ctx.user.rateLimitPerHour ?? ctx.deps.config.RATE_LIMIT_PER_HOUR;
  const window = await peekRateLimit(ctx.deps.store, ctx.user.id, limit);
  return {
    id: ctx.user.id,
    name: ctx.user.name,
    role: ctx.user.role,
    rateLimit: { limit, remaining: window.remaining, resetAt: window.resetAt.toISOString() },
  };
});
