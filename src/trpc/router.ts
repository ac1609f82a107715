// The app router. The React client imports only `type AppRouter` from here.
import { adminRouter } from "../routers/admin/index.ts";
import { conversationsRouter } from "../routers/conversations.ts";
import { experimentsRouter } from "../routers/experiments.ts";
import { feedbackRouter } from "../routers/feedback.ts";
import { keysRouter } from "../routers/keys.ts";
import { meProcedure } from "../routers/me.ts";
import { router } from "./init.ts";

export const appRouter = router({
  me: meProcedure,
  feedback: feedbackRouter,
  experiments: experimentsRouter,
  conversations: conversationsRouter,
  keys: keysRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
