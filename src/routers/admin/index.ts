// Everything under `admin.*`: every procedure is an adminProcedure, so a
// normal user's key gets 403 before any input is read or anything changes.
import { router } from "../../trpc/init.ts";
import { adminAuditRouter } from "./audit.ts";
import { adminExperimentsRouter } from "./experiments.ts";
import { adminPromptsRouter } from "./prompts.ts";
import { adminRolloutRouter } from "./rollout.ts";

export const adminRouter = router({
  experiments: adminExperimentsRouter,
  prompts: adminPromptsRouter,
  rollout: adminRolloutRouter,
  audit: adminAuditRouter,
});
