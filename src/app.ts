// The HTTP server: /trpc/* to tRPC, POST /chat as SSE, the OpenAI-compatible
// gateway under /v1/*, the seed's REST routes,
// /health, and the built React client. Built separately from listen() so tests
// run the real server on port 0.
import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import type { AppDeps } from "./deps.ts";
import { MethodNotAllowedError, NotFoundError } from "./errors.ts";
import { sendError } from "./http/respond.ts";
import { createStaticHandler } from "./http/static-files.ts";
import { createChatRoute } from "./routes/chat-stream.ts";
import { createKillRoute, KILL_PATH } from "./routes/experiment-kill.ts";
import { createHealthRoute } from "./routes/health.ts";
import { createOpenAiCompatRouter } from "./routes/openai-compat/router.ts";
import { createRestRoutes } from "./routes/rest-compat.ts";
import { createRuntimeMetricsRoute, RUNTIME_METRICS_PATH } from "./routes/runtime-metrics.ts";
import { contextFactory } from "./trpc/context.ts";
import { errorHeaders } from "./trpc/init.ts";
import { appRouter } from "./trpc/router.ts";

const TRACE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Routes whose answers may stream for minutes; they set x-request-id themselves. */
const STREAMED_ANSWER_PATHS = new Set(["/chat", "/v1/chat/completions"]);

function traceIdOf(req: IncomingMessage): string {
  const sent = req.headers["x-request-id"];
  const value = Array.isArray(sent) ? sent[0] : sent;
  return value && TRACE_ID.test(value) ? value : randomUUID();
}

function applyCors(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin || !(allowed.includes(origin) || allowed.includes("*"))) return false;
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Allow-Headers", "content-type, x-api-key, authorization, x-request-id, trpc-accept");
  res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  res.setHeader(
    "Access-Control-Expose-Headers",
    "x-request-id, retry-after, x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset, " +
      "x-promptlab-message-id, x-promptlab-conversation-id, x-promptlab-experiment, x-promptlab-variant, " +
      "x-promptlab-prompt-version, x-promptlab-prompt-version-id",
  );
  return true;
}

export function createApp(deps: AppDeps): http.Server {
  const trpc = createHTTPHandler({
    router: appRouter,
    createContext: contextFactory(deps),
    basePath: "/trpc/",
    maxBodySize: deps.config.MAX_BODY_BYTES,
    responseMeta: ({ errors }) => ({ headers: errorHeaders(errors) }),
  });
  const chat = createChatRoute(deps);
  const rest = createRestRoutes(deps);
  const health = createHealthRoute(deps);
  const kill = createKillRoute(deps);
  const openAiCompat = createOpenAiCompatRouter(deps);
  const serveStatic = createStaticHandler(deps.config.CLIENT_DIST_DIR);
  const runtimeMetrics = createRuntimeMetricsRoute(deps);

  async function route(req: IncomingMessage, res: ServerResponse, pathname: string, traceId: string, log: AppDeps["log"]) {
    const method = req.method ?? "GET";
    const only = (allowed: string) => {
      if (method !== allowed) throw new MethodNotAllowedError(`Use ${allowed} for ${pathname}.`);
    };

    if (pathname.startsWith("/trpc/")) return trpc(req, res);
    if (pathname.startsWith("/v1/")) return openAiCompat(req, res, pathname, traceId, log);
    if (pathname === RUNTIME_METRICS_PATH) return runtimeMetrics(req, res);
    switch (pathname) {
      case "/health":
        only("GET");
        return health(res);
      case "/chat":
        only("POST");
        return chat(req, res, traceId, log);
      case "/feedback":
        only("POST");
        return rest.postFeedback(req, res, log);
      case "/feedback/stats":
        only("GET");
        return rest.getStats(req, res);
    }
    const killed = KILL_PATH.exec(pathname);
    if (killed) {
      only("POST");
      return kill(req, res, killed[1]!, log);
    }
    if (method === "GET" || method === "HEAD") return serveStatic(req, res, pathname);
    throw new NotFoundError(`No route for ${method} ${pathname}.`);
  }

  const server = http.createServer((req, res) => {
    const started = performance.now();
    const traceId = traceIdOf(req);
    const pathname = (req.url ?? "/").split("?", 1)[0] ?? "/";
    // Streamed answers send it with their own head, as does every error (below):
    // a header set before writeHead makes Node keep all of the response's
    // headers in a table for the response's whole life, about 1 KB of every
    // open stream's heap.
    if (!STREAMED_ANSWER_PATHS.has(pathname)) res.setHeader("x-request-id", traceId);
    const log = deps.log.child({ trace_id: traceId });
    const corsAllowed = applyCors(req, res, deps.config.CORS_ORIGINS);
    if (req.method === "OPTIONS") {
      res.writeHead(corsAllowed ? 204 : 403).end();
      return;
    }
    // Only listened for when it would be written: a closure and a listener per request add up on hot routes.
    if (log.isLevelEnabled("debug")) {
      res.on("finish", () => {
        log.debug(
          { method: req.method, path: req.url, status: res.statusCode, duration_ms: Math.round(performance.now() - started) },
          "request completed",
        );
      });
    }
    route(req, res, pathname, traceId, log).catch((error: unknown) => {
      if (!res.headersSent) res.setHeader("x-request-id", traceId);
      sendError(res, error, log);
    });
  });

  // Above common load-balancer idle timeouts (60 s), so the balancer closes first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Bounds how long a client may take to send its request; streaming responses are not affected.
  server.requestTimeout = 30_000;
  return server;
}

