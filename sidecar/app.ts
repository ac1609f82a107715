// HTTP surface of the token-counting and pricing sidecar: routing, body
// limits, validation and the JSON error envelope. The hot path only looks up
// prebuilt encoders and a cache of recent counts; nothing heavy is created per
// request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { z } from "zod";
import { CountCache, DEFAULT_COUNT_CACHE_LIMITS, type CountCacheLimits } from "./count-cache.ts";
import { encoderFor, resolveEncoding, warmEncoders, type EncodingName } from "./encodings.ts";
import { priceCall } from "./pricing.ts";
import { piecewiseTextCounter } from "./piecewise-counter.ts";
import { countChatTokens, type TextTokenCounter } from "./token-count.ts";

export const MAX_BODY_BYTES = 2 * 1024 * 1024;

// Longer than the 60 s idle timeout common in HTTP clients and proxies, so the
// server never closes a pooled connection the client is about to reuse.
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

const modelName = z.string().trim().min(1).max(200);

const chatMessageSchema = z.object({
  role: z.string().min(1).max(64),
  content: z.string(),
  name: z.string().max(128).optional(),
});

const countBodySchema = z
  .object({
    model: modelName,
    text: z.string().optional(),
    messages: z.array(chatMessageSchema).optional(),
  })
  .refine((body) => (body.text === undefined) !== (body.messages === undefined), {
    message: "Provide exactly one of text or messages",
    path: ["text"],
  });

/** Items in one POST /count/batch: the main server sends the estimates of the chats that arrive together. */
export const MAX_BATCH_ITEMS = 1_000;

const countBatchBodySchema = z.object({
  // Each item is checked on its own below, so one bad item fails alone.
  items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS),
});

type CountBody = z.infer<typeof countBodySchema>;

const costBodySchema = z.object({
  model: modelName,
  // z.int() is limited to safe integers, so no token count is silently rounded.
  tokens_in: z.int().nonnegative(),
  tokens_out: z.int().nonnegative(),
});

type FieldErrors = Record<string, string[]>;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldErrors,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

function sendError(res: ServerResponse, error: HttpError): void {
  const body = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.fields ? { fields: error.fields } : {}),
    },
  };
  sendJson(res, error.status, body, error.headers);
}

function payloadTooLarge(): HttpError {
  // Closing the connection keeps us from reading (and buffering) the rest.
  return new HttpError(413, "payload_too_large", `Body exceeds ${MAX_BODY_BYTES} bytes`, undefined, {
    connection: "close",
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (declared > MAX_BODY_BYTES) return Promise.reject(payloadTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_BODY_BYTES) {
        req.pause();
        reject(payloadTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks, received)));
    req.on("error", reject);
    // A client that disconnects mid-body fires neither "end" nor always "error".
    req.on("close", () => {
      if (!req.complete) reject(new Error("request aborted"));
    });
  });
}

function invalidRequest(message: string, fields: FieldErrors = {}): HttpError {
  return new HttpError(400, "invalid_request", message, fields);
}

function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join(".") : "(root)";
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

async function readJson<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const raw = await readBody(req);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString("utf8"));
  } catch {
    throw invalidRequest("Body is not valid JSON");
  }
  const result = schema.safeParse(parsed);
  if (result.success) return result.data;
  throw invalidRequest("Body failed validation", fieldErrorsOf(result.error));
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
type Route = { method: string; handle: Handler };

function buildRoutes(countCache: CountCache): Map<string, Route> {
  const textCounters: Record<EncodingName, TextTokenCounter> = {
    o200k_base: countCache.counterFor("o200k_base", piecewiseTextCounter("o200k_base", encoderFor("o200k_base"))),
    cl100k_base: countCache.counterFor("cl100k_base", piecewiseTextCounter("cl100k_base", encoderFor("cl100k_base"))),
  };

  function countOne(body: CountBody) {
    const { encoding, defaulted } = resolveEncoding(body.model);
    const countText = textCounters[encoding];
    const tokens = body.messages ? countChatTokens(body.messages, countText) : countText(body.text ?? "");
    return { tokens, model: body.model, encoding, encoding_defaulted: defaulted };
  }

  const count: Handler = async (req, res) => {
    sendJson(res, 200, countOne(await readJson(req, countBodySchema)));
  };

  // The answers in the items' order: each a count as /count gives it, or the
  // error envelope /count would have answered that item with.
  const countBatch: Handler = async (req, res) => {
    const { items } = await readJson(req, countBatchBodySchema);
    const counts = items.map((item) => {
      const parsed = countBodySchema.safeParse(item);
      if (parsed.success) return countOne(parsed.data);
      return { error: { code: "invalid_request", message: "Item failed validation", fields: fieldErrorsOf(parsed.error) } };
    });
    sendJson(res, 200, { counts });
  };

  const cost: Handler = async (req, res) => {
    const body = await readJson(req, costBodySchema);
    const price = priceCall(body.model, body.tokens_in, body.tokens_out);
    if (!price) throw new HttpError(404, "unknown_model", `No price is known for model "${body.model}"`);
    sendJson(res, 200, {
      cost_usd: price.costUsd,
      model: body.model,
      priced_as: price.pricedAs,
      input_per_million: price.inputPerMillion,
      output_per_million: price.outputPerMillion,
    });
  };

  const health: Handler = (_req, res) => sendJson(res, 200, { status: "ok" });

  return new Map<string, Route>([
    ["/count", { method: "POST", handle: count }],
    ["/count/batch", { method: "POST", handle: countBatch }],
    ["/cost", { method: "POST", handle: cost }],
    ["/health", { method: "GET", handle: health }],
  ]);
}

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const queryStart = raw.indexOf("?");
  return queryStart === -1 ? raw : raw.slice(0, queryStart);
}

export function createSidecarServer(options: { countCache?: CountCacheLimits } = {}): Server {
  warmEncoders();
  const routes = buildRoutes(new CountCache(options.countCache ?? DEFAULT_COUNT_CACHE_LIMITS));

  const server = createServer((req, res) => {
    const route = routes.get(pathOf(req.url));
    if (!route) {
      sendError(res, new HttpError(404, "not_found", "No such route"));
      return;
    }
    // HEAD is answered like GET (node drops the body) so health probes work.
    const method = req.method === "HEAD" && route.method === "GET" ? "GET" : req.method;
    if (method !== route.method) {
      const allow = route.method === "GET" ? "GET, HEAD" : route.method;
      sendError(res, new HttpError(405, "method_not_allowed", `Use ${route.method}`, undefined, { allow }));
      return;
    }
    Promise.resolve()
      .then(() => route.handle(req, res))
      .catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        // Anything unexpected becomes an opaque 500: no stack reaches the client.
        sendError(res, error instanceof HttpError ? error : new HttpError(500, "internal", "Internal error"));
      });
  });

  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node requires headersTimeout > keepAliveTimeout or idle sockets race it.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  server.requestTimeout = 30_000;
  return server;
}
