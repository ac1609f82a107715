// Experiment listing for every signed-in user, and the gateway's per-experiment
// system-message policy for admins.
import { z } from "zod";
import { experimentResults } from "../services/experiment-results.ts";
import { setSystemMessagePolicy, setSystemMessagePolicySchema } from "../services/system-message-policy.ts";
import { adminProcedure, authedProcedure, router } from "../trpc/init.ts";

export const experimentsRouter = router({
  list: authedProcedure.query(({ ctx }) =>
    ctx.deps.db.experiment.findMany({
      orderBy: { createdAt: "asc" },
      select: {
        id: true,
        key: true,
        name: true,
        description: true,
        status: true,
        killedAt: true,
        version: true,
        systemMessagePolicy: true,
        variants: {
          orderBy: [{ createdAt: "asc" }, { key: "asc" }],
          select: {
            key: true,
            allocation: true,
            isControl: true,
            activeVersion: { select: { id: true, version: true, model: true } },
          },
        },
      },
    }),
  ),

  /** One experiment's statistics, verdicts and time series: the results screen. */
  results: authedProcedure
    .input(z.strictObject({ experimentKey: z.string().min(1).max(100), granularity: z.enum(["hour", "day"]).default("day") }))
    .query(({ ctx, input }) => experimentResults(ctx.deps.db, input.experimentKey, input.granularity)),

  /** Whether the variant's system prompt replaces or precedes a gateway caller's own (default replace). */
  setSystemMessagePolicy: adminProcedure
    .input(setSystemMessagePolicySchema)
    .mutation(({ ctx, input }) =>
      setSystemMessagePolicy({ db: ctx.deps.db, experiments: ctx.deps.experiments, log: ctx.log }, ctx.user.id, input),
    ),
});
