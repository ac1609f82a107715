// The OpenAI-compatible gateway under /v1: point an OpenAI SDK's baseURL at
// <PromptLab>/v1 and its calls run through PromptLab's experiments. Every
// answer under /v1, errors included, is in OpenAI's shapes.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppDeps } from "../../deps.ts";
import { MethodNotAllowedError, NotFoundError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import { createChatCompletionsRoute } from "./chat-completions.ts";
import { sendOpenAiError } from "./error-shape.ts";
import { createModelsRoute } from "./models.ts";

export function createOpenAiCompatRouter(deps: AppDeps) {
  const chatCompletions = createChatCompletionsRoute(deps);
  const models = createModelsRoute(deps);

  return async function openAiCompat(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
    traceId: string,
    log: Logger,
  ): Promise<void> {
    const method = req.method ?? "GET";
    const only = (allowed: string) => {
      if (method !== allowed) throw new MethodNotAllowedError(`Use ${allowed} for ${pathname}.`);
    };
    try {
      switch (pathname) {
        case "/v1/chat/completions":
          only("POST");
          return await chatCompletions(req, res, traceId, log);
        case "/v1/models":
          only("GET");
          return await models(req, res);
      }
      throw new NotFoundError(
        `Invalid URL (${method} ${pathname}): the PromptLab gateway serves POST /v1/chat/completions and GET /v1/models.`,
      );
    } catch (error) {
      // The streamed route sets it only with a head it sends itself (app.ts says why).
      if (!res.headersSent) res.setHeader("x-request-id", traceId);
      sendOpenAiError(res, error, log);
    }
  };
}
