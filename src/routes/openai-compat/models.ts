// GET /v1/models: every experiment as `promptlab/<key>`, plus the configured
// default provider model, in OpenAI's list shape. Needs a key, as OpenAI does.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppDeps } from "../../deps.ts";
import { sendJson } from "../../http/respond.ts";
import { listGatewayModels } from "../../services/gateway-models.ts";
import { apiKeyFrom } from "../api-key-header.ts";
import { modelList } from "./response-shape.ts";

export function createModelsRoute(deps: AppDeps) {
  return async function models(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await deps.auth.authenticate(apiKeyFrom(req));
    const list = await listGatewayModels(deps.db, deps.config.LLM_MODEL, deps.provider.name);
    sendJson(res, 200, modelList(list));
  };
}
