// POST /experiments/{id}/kill: the seed's kill switch endpoint, kept for
// scripts and runbooks. {id} is the experiment's id or key; the JSON body must
// give a reason; only an admin key may call it. Same write path, audit row and
// propagation as the admin procedure.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { AppDeps } from "../deps.ts";
import { ForbiddenError, ValidationError } from "../errors.ts";
import { readJsonBody } from "../http/read-body.ts";
import { sendJson } from "../http/respond.ts";
import { parseInput } from "../http/validation.ts";
import type { Logger } from "../logger.ts";
import { reasonSchema } from "../services/experiment-change.ts";
import { killExperiment } from "../services/experiment-lifecycle.ts";
import { apiKeyFrom } from "./api-key-header.ts";

export const KILL_PATH = /^\/experiments\/([^/]{1,100})\/kill$/;

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationError("The experiment id in the path is malformed.");
  }
}

const killBody = z.strictObject({ reason: reasonSchema });

export function createKillRoute(deps: AppDeps) {
  return async function postKill(req: IncomingMessage, res: ServerResponse, idOrKey: string, log: Logger) {
    const user = await deps.auth.authenticate(apiKeyFrom(req));
    if (user.role !== "admin") throw new ForbiddenError("This needs the admin role.");
    const { reason } = parseInput(killBody, await readJsonBody(req, deps.config.MAX_BODY_BYTES));
    const change = await killExperiment({ db: deps.db, experiments: deps.experiments, log }, user.id, {
      experimentId: decodeSegment(idOrKey),
      reason,
    });
    log.warn({ event: "experiment_killed", experiment: change.experimentKey, changed: change.changed, user_id: user.id }, "kill switch");
    sendJson(res, 200, {
      experiment_id: change.experimentId,
      experiment_key: change.experimentKey,
      killed: true,
      changed: change.changed,
      config_version: change.version,
    });
  };
}
