// The seed's REST endpoints, kept so its curl examples work verbatim:
// POST /feedback {"message_id", "rating"} and GET /feedback/stats.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { AppDeps } from "../deps.ts";
import { readJsonBody } from "../http/read-body.ts";
import { sendJson } from "../http/respond.ts";
import { parseInput } from "../http/validation.ts";
import type { Logger } from "../logger.ts";
import { experimentStats } from "../services/experiment-stats.ts";
import { ratingSchema, submitFeedback } from "../services/feedback.ts";
import { apiKeyFrom } from "./api-key-header.ts";

const feedbackBody = z.strictObject({
  message_id: z.uuid("message_id must be a message UUID"),
  rating: ratingSchema,
});

export function createRestRoutes(deps: AppDeps) {
  return {
    async postFeedback(req: IncomingMessage, res: ServerResponse, log: Logger) {
      const user = await deps.auth.authenticate(apiKeyFrom(req));
      const input = parseInput(feedbackBody, await readJsonBody(req, deps.config.MAX_BODY_BYTES));
      // Tracked until the answer is sent, so a graceful shutdown answers ratings already being written.
      await deps.lifecycle.track(async () => {
        sendJson(res, 200, await submitFeedback(deps, log, user.id, input.message_id, input.rating));
      });
    },

    async getStats(req: IncomingMessage, res: ServerResponse) {
      await deps.auth.authenticate(apiKeyFrom(req));
      sendJson(res, 200, { experiments: await experimentStats(deps.db) });
    },
  };
}
