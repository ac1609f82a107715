// API keys: everyone manages their own; an admin may name another user.
// Any change is announced so every instance stops accepting a revoked key at once.
import { z } from "zod";
import { ForbiddenError } from "../errors.ts";
import { issueApiKey, listApiKeys, revokeApiKey, rotateApiKey } from "../services/api-key-management.ts";
import { authedProcedure, router } from "../trpc/init.ts";

const forUser = z.strictObject({ userId: z.uuid().optional() });

function targetUser(ctx: { user: { id: string; role: string } }, userId: string | undefined): string {
  if (!userId || userId === ctx.user.id) return ctx.user.id;
  if (ctx.user.role !== "admin") throw new ForbiddenError("Only an admin can manage another user's keys.");
  return userId;
}

export const keysRouter = router({
  list: authedProcedure.input(forUser.optional()).query(({ ctx, input }) => listApiKeys(ctx.deps.db, targetUser(ctx, input?.userId))),

  create: authedProcedure
    .input(forUser.extend({ label: z.string().trim().min(1).max(100).optional(), expiresInDays: z.number().int().min(1).max(3650).optional() }))
    .mutation(async ({ ctx, input }) => {
      const userId = targetUser(ctx, input.userId);
      const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : undefined;
      const issued = await issueApiKey(ctx.deps.db, userId, { label: input.label, expiresAt });
      ctx.log.info({ event: "api_key_created", key_id: issued.record.id, for_user: userId }, "api key created");
      return issued;
    }),

  /** Issues a new key and lets the one used for this call (or keyId) expire after the overlap. */
  rotate: authedProcedure
    .input(
      forUser.extend({
        keyId: z.uuid().optional(),
        overlapHours: z.number().min(0).max(24 * 90).default(24),
        label: z.string().trim().min(1).max(100).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const userId = targetUser(ctx, input.userId);
      const replacedId = input.keyId ?? ctx.user.apiKeyId;
      const rotated = await rotateApiKey(ctx.deps.db, userId, replacedId, Math.round(input.overlapHours * 3600), input.label);
      await ctx.deps.auth.announceChange(ctx.deps.store);
      ctx.log.info({ event: "api_key_rotated", replaced: replacedId, key_id: rotated.record.id }, "api key rotated");
      return rotated;
    }),

  revoke: authedProcedure.input(forUser.extend({ keyId: z.uuid() })).mutation(async ({ ctx, input }) => {
    await revokeApiKey(ctx.deps.db, targetUser(ctx, input.userId), input.keyId);
    await ctx.deps.auth.announceChange(ctx.deps.store);
    ctx.log.info({ event: "api_key_revoked", key_id: input.keyId }, "api key revoked");
    return { revoked: input.keyId };
  }),
});
