// The app router. The React client imports only `type AppRouter` from here.
import { conversationsRouter } from "../routers/conversations.ts";
import { experimentsRouter } from "../routers/experiments.ts";
import { feedbackRouter } from "../routers/feedback.ts";
import { meProcedure } from "../routers/me.ts";
import { router } from "./init.ts";

export const appRouter = router({
  me: meProcedure,
  feedback: feedbackRouter,
  experiments: experimentsRouter,
  conversations: conversationsRouter,
});

export type AppRouter = typeof appRouter;
