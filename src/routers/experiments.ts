// Read-only experiment listing for every signed-in user.
import { authedProcedure, router } from "../trpc/init.ts";

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
});
