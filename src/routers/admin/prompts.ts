// Admin: the prompt registry. Versions of a variant, a line diff between any
// two, new versions, publish and rollback; and provenance, the exact prompt,
// model and parameters behind any stored message.
import { z } from "zod";
import { messageProvenance } from "../../services/message-provenance.ts";
import {
  createVersion,
  createVersionSchema,
  diffVersions,
  listVersions,
  publishSchema,
  publishVersion,
  rollbackSchema,
  rollbackVersion,
} from "../../services/prompt-registry.ts";
import { adminProcedure, router } from "../../trpc/init.ts";
import { changeDeps } from "./change-deps.ts";

export const adminPromptsRouter = router({
  versions: adminProcedure
    .input(z.strictObject({ variantId: z.uuid() }))
    .query(({ ctx, input }) => listVersions(ctx.deps.db, input.variantId)),

  diff: adminProcedure
    .input(z.strictObject({ fromVersionId: z.uuid(), toVersionId: z.uuid() }))
    .query(({ ctx, input }) => diffVersions(ctx.deps.db, input.fromVersionId, input.toVersionId)),

  /** A new immutable version; it serves nobody until published or started as a canary. */
  createVersion: adminProcedure
    .input(createVersionSchema)
    .mutation(({ ctx, input }) => createVersion(ctx.deps.db, ctx.user.id, input)),

  publish: adminProcedure.input(publishSchema).mutation(({ ctx, input }) => publishVersion(changeDeps(ctx), ctx.user.id, input)),

  /** Re-activates an earlier version; a reason is required. */
  rollback: adminProcedure
    .input(rollbackSchema)
    .mutation(({ ctx, input }) => rollbackVersion(changeDeps(ctx), ctx.user.id, input)),

  provenance: adminProcedure
    .input(z.strictObject({ messageId: z.uuid() }))
    .query(({ ctx, input }) => messageProvenance(ctx.deps.db, input.messageId, ctx.deps.config.MAX_HISTORY_MESSAGES)),
});
