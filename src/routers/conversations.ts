// A user's own conversations and their history; anyone else's are not found.
import { z } from "zod";
import { NotFoundError } from "../errors.ts";
import { authedProcedure, router } from "../trpc/init.ts";

export const conversationsRouter = router({
  list: authedProcedure
    .input(z.strictObject({ limit: z.number().int().min(1).max(100).default(50) }).optional())
    .query(({ ctx, input }) =>
      ctx.deps.db.conversation.findMany({
        where: { userId: ctx.user.id },
        orderBy: { updatedAt: "desc" },
        take: input?.limit ?? 50,
        select: { id: true, title: true, createdAt: true, updatedAt: true },
      }),
    ),

  messages: authedProcedure
    .input(z.strictObject({ conversationId: z.uuid() }))
    .query(async ({ ctx, input }) => {
      const conversation = await ctx.deps.db.conversation.findFirst({
        where: { id: input.conversationId, userId: ctx.user.id },
        select: {
          id: true,
          title: true,
          messages: {
            orderBy: { createdAt: "asc" },
            select: {
              id: true,
              role: true,
              content: true,
              status: true,
              provider: true,
              model: true,
              tokensIn: true,
              tokensOut: true,
              latencyMs: true,
              timeToFirstTokenMs: true,
              costUsd: true,
              experimentKey: true,
              variant: true,
              promptVersionId: true,
              promptVersion: { select: { version: true } },
              errorCode: true,
              createdAt: true,
              feedback: { where: { userId: ctx.user.id }, select: { rating: true } },
            },
          },
        },
      });
      if (!conversation) throw new NotFoundError("No such conversation.");
      return {
        id: conversation.id,
        title: conversation.title,
        messages: conversation.messages.map(({ feedback, costUsd, promptVersion, ...message }) => ({
          ...message,
          promptVersion: promptVersion?.version ?? null,
          costUsd: costUsd?.toString() ?? null,
          rating: feedback[0]?.rating ?? null,
        })),
      };
    }),
});
