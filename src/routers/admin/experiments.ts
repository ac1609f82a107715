// Admin: experiments and their lifecycle. Listing and detail for the screens;
// create, start, pause, resume, complete (ship a variant), the kill switch,
// allocation and guardrail thresholds, each one audited change.
import { z } from "zod";
import { experimentDetail, listExperiments } from "../../services/experiment-overview.ts";
import {
  allocationSchema,
  completeExperiment,
  completeSchema,
  createExperiment,
  createExperimentSchema,
  guardrailsSchema,
  killExperiment,
  killSchema,
  pauseExperiment,
  pauseSchema,
  resumeExperiment,
  resumeSchema,
  setAllocation,
  setGuardrails,
  startExperiment,
  startSchema,
} from "../../services/experiment-lifecycle.ts";
import { adminProcedure, router } from "../../trpc/init.ts";
import { changeDeps } from "./change-deps.ts";

export const adminExperimentsRouter = router({
  list: adminProcedure.query(({ ctx }) => listExperiments(ctx.deps.db)),

  get: adminProcedure
    .input(z.strictObject({ experimentId: z.uuid() }))
    .query(({ ctx, input }) => experimentDetail(ctx.deps.db, input.experimentId)),

  create: adminProcedure
    .input(createExperimentSchema)
    .mutation(({ ctx, input }) => createExperiment(changeDeps(ctx), ctx.user.id, input)),

  start: adminProcedure.input(startSchema).mutation(({ ctx, input }) => startExperiment(changeDeps(ctx), ctx.user.id, input)),

  pause: adminProcedure.input(pauseSchema).mutation(({ ctx, input }) => pauseExperiment(changeDeps(ctx), ctx.user.id, input)),

  resume: adminProcedure.input(resumeSchema).mutation(({ ctx, input }) => resumeExperiment(changeDeps(ctx), ctx.user.id, input)),

  /** Ships one variant to every user. */
  complete: adminProcedure
    .input(completeSchema)
    .mutation(({ ctx, input }) => completeExperiment(changeDeps(ctx), ctx.user.id, input)),

  /** The kill switch: every user to control, at once. Idempotent; `resume` lifts it. */
  kill: adminProcedure.input(killSchema).mutation(({ ctx, input }) => killExperiment(changeDeps(ctx), ctx.user.id, input)),

  setAllocation: adminProcedure
    .input(allocationSchema)
    .mutation(({ ctx, input }) => setAllocation(changeDeps(ctx), ctx.user.id, input)),

  setGuardrails: adminProcedure
    .input(guardrailsSchema)
    .mutation(({ ctx, input }) => setGuardrails(changeDeps(ctx), ctx.user.id, input)),
});
