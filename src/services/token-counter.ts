// The main server's client for the token-counting sidecar. Token counts must
// never block a call: if the sidecar is disabled, down or slow we answer with a
// local estimate and say so through `source`. Prices come from the sidecar's
// exact table, which this process imports, so they never need the sidecar.
import type { Logger } from "pino";
import { Pool } from "undici";
import { StopController } from "./stop-signal.ts";
import { batchWithin, GroupCommit, type PendingWrite } from "./group-commit.ts";
import { priceCall } from "../../sidecar/pricing.ts";
import { countChatTokens, type ChatMessage } from "../../sidecar/token-count.ts";

export type { ChatMessage };

export type TokenSource = "sidecar" | "fallback";
export type TokenCountResult = { tokens: number; source: TokenSource };
/** Prices are always computed here, from the sidecar's own table (sidecar/pricing.ts). */
export type PriceResult = { costUsd: string | null; source: "local" };
export type SidecarHealth = "ok" | "down" | "disabled";

export type TokenCounter = {
  /** Never rejects: without a timely answer from the sidecar, the local estimate (source "fallback"). */
  countChat(model: string, messages: readonly ChatMessage[]): Promise<TokenCountResult>;
  /** Never rejects, as countChat. */
  countText(model: string, text: string): Promise<TokenCountResult>;
  price(model: string, tokensIn: number, tokensOut: number): Promise<PriceResult>;
  health(): Promise<SidecarHealth>;
};

export type TokenCounterOptions = {
  baseUrl: string | null;
  timeoutMs: number;
  log: Logger;
};

// English text averages roughly 4 characters per token in OpenAI's BPE vocabularies.
const ESTIMATED_CHARS_PER_TOKEN = 4;
const FALLBACK_WARN_INTERVAL_MS = 10_000;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / ESTIMATED_CHARS_PER_TOKEN);
}

export function estimateChatTokens(messages: readonly ChatMessage[]): number {
  return countChatTokens(messages, estimateTextTokens);
}

/**
 * Logs at most one warn per interval, carrying how many were swallowed since,
 * so a dead sidecar shows up in logs without flooding them on every call.
 */
export function createRateLimitedWarn(log: Logger, intervalMs: number, now: () => number = Date.now) {
  let lastWarnAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (fields: Record<string, unknown>, msg: string): void => {
    const at = now();
    if (at - lastWarnAt < intervalMs) {
      suppressed += 1;
      return;
    }
    log.warn({ ...fields, suppressed }, msg);
    lastWarnAt = at;
    suppressed = 0;
  };
}

class SidecarUnavailable extends Error {}

/** What POST /count takes: one text, or one chat's messages. */
type CountBody = { model: string; text: string } | { model: string; messages: readonly ChatMessage[] };

/** A count waiting for a request; `givenUp` once its caller has used the estimate instead. */
type QueuedCount = { body: CountBody; bytes: number; givenUp: boolean };

/**
 * A count whose body may exceed this goes to POST /count on its own, outside
 * the batches: counting a long prompt keeps the sidecar busy long enough
 * (191 ms for 1.5 MB) to make every count queued behind it fall back.
 */
const COUNT_ALONE_BYTES = 64 * 1024;
/** A batch's body stays under this, well inside the sidecar's 2 MiB limit. */
const COUNT_BATCH_BYTES = 1024 * 1024;
/** The sidecar's own limit on items per batch is higher (MAX_BATCH_ITEMS). */
const COUNT_BATCH_ITEMS = 256;
/**
 * Batches in flight at once: while one answer is slow the other way stays
 * open, and a sidecar of several processes (SIDECAR_WORKERS) answers it
 * meanwhile. The sidecar `npm start` spawns has one process, which answers
 * the two in turn; the long counts that are slowest to answer go alone.
 */
const COUNT_BATCHES_IN_FLIGHT = 2;

/** The most the body can take as JSON: six bytes per UTF-16 unit (an escaped control character), plus the framing. */
function jsonBytesBound(body: CountBody): number {
  let units = body.model.length;
  let framing = 64;
  if ("text" in body) units += body.text.length;
  else {
    for (const message of body.messages) {
      units += message.role.length + message.content.length + (message.name?.length ?? 0);
      framing += 48;
    }
  }
  return units * 6 + framing;
}

class SidecarTimeout extends Error {}

function describeFailure(error: unknown): string {
  if (error instanceof SidecarTimeout) return "timeout";
  if (error instanceof SidecarUnavailable) return error.message;
  // undici's request API puts the socket error's code on the error, fetch on its cause.
  const code = error instanceof Error ? ((error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code) : undefined;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.name : "unknown";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function createTokenCounter(options: TokenCounterOptions): TokenCounter {
  const { timeoutMs, log } = options;
  const baseUrl = options.baseUrl?.replace(/\/+$/, "") ?? null;
  const basePath = baseUrl === null ? "" : new URL(baseUrl).pathname.replace(/\/+$/, "");
  const warnFallback = createRateLimitedWarn(log, FALLBACK_WARN_INTERVAL_MS);

  if (baseUrl === null) {
    // Disabled is a deployment choice, not a fault: say it once, not per call.
    log.warn("token sidecar disabled; token counts are estimates");
  }

  // undici's request API on a keep-alive pool, not fetch: this call is on every
  // chat's path to its first token, and fetch's Request/Response/web-stream
  // objects cost several times more CPU than the round trip needs.
  const pool = baseUrl === null ? null : new Pool(baseUrl, { keepAliveTimeout: 60_000 });

  async function post(path: string, body: unknown): Promise<{ status: number; json: unknown }> {
    // A timer cleared when the call ends, not AbortSignal.timeout: that
    // signal's timer outlives the call and fires anyway, and firing it (a
    // DOMException per call) was 2% of the server's busy time at 900 chats/s.
    // undici's own headers/body timeouts tick once a second, too coarse here.
    const controller = new StopController();
    const timer = setTimeout(() => controller.abort(new SidecarTimeout(`no answer within ${timeoutMs} ms`)), timeoutMs);
    try {
      const response = await pool!.request({
        path,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      const json: unknown = await response.body.json().catch(() => {
        // A body cut off by the timeout is a timeout, not a malformed answer.
        if (controller.signal.aborted) throw controller.signal.reason;
        return undefined;
      });
      return { status: response.statusCode, json };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The count in one of the sidecar's answers, or why there is none. */
  function countFrom(answer: unknown, status: number): number {
    if (isRecord(answer) && Number.isSafeInteger(answer.tokens)) return answer.tokens as number;
    const code = isRecord(answer) && isRecord(answer.error) ? answer.error.code : undefined;
    throw new SidecarUnavailable(typeof code === "string" ? code : `status ${status}`);
  }

  async function countAlone(body: CountBody): Promise<number> {
    const { status, json } = await post(`${basePath}/count`, body);
    return countFrom(json, status);
  }

  /** Each count on its own request, all at once: for a batch of one, or for a sidecar that could not take the batch. */
  async function countEachAlone(batch: readonly PendingWrite<QueuedCount, number>[]): Promise<void> {
    await Promise.all(batch.map((pending) => countAlone(pending.write.body).then(pending.resolve, pending.reject)));
  }

  // Cleared when the sidecar answers 404 to it: an older sidecar, during a rolling deploy or behind SIDECAR_URL.
  let batchEndpoint = true;

  // The estimates of chats that arrive while counts are in flight share the
  // next request (POST /count/batch), so under load the sidecar answers one
  // request per round trip instead of one per chat: in the throughput
  // benchmark 10-20 counts were in flight at once, each on its own connection.
  // A chat that arrives alone still goes straight to POST /count.
  const counts = new GroupCommit<QueuedCount, number>({
    nextBatchLength: (queued) => batchWithin(queued, COUNT_BATCH_ITEMS, COUNT_BATCH_BYTES, (count) => count.bytes),
    maxInFlight: COUNT_BATCHES_IN_FLIGHT,
    async commit(queued) {
      // A count whose caller has already fallen back is not sent, so a queue
      // that builds up behind a hung sidecar drains without it.
      const batch = queued.filter((pending) => !pending.write.givenUp);
      for (const pending of queued) if (pending.write.givenUp) pending.reject(new SidecarTimeout("given up before it was sent"));
      if (batch.length <= 1 || !batchEndpoint) return countEachAlone(batch);
      const { status, json } = await post(`${basePath}/count/batch`, { items: batch.map((pending) => pending.write.body) });
      const answers = status === 200 && isRecord(json) && Array.isArray(json.counts) ? json.counts : null;
      if (answers?.length !== batch.length) {
        // The sidecar is up but did not take the batch: each count goes again on its own, as before batching.
        if (status === 404) {
          batchEndpoint = false;
          log.warn({ status }, "token sidecar has no POST /count/batch; sending counts one by one");
        }
        return countEachAlone(batch);
      }
      batch.forEach((pending, index) => {
        try {
          pending.resolve(countFrom(answers[index], status));
        } catch (error) {
          pending.reject(error);
        }
      });
    },
  });

  async function countVia(body: CountBody, estimate: () => number): Promise<TokenCountResult> {
    if (baseUrl === null) return { tokens: estimate(), source: "fallback" };
    // Each count keeps its own deadline, however long the batch before its own took.
    const queued: QueuedCount = { body, bytes: jsonBytesBound(body), givenUp: false };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        queued.givenUp = true;
        reject(new SidecarTimeout(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      const counting = queued.bytes > COUNT_ALONE_BYTES ? countAlone(body) : counts.submit(queued);
      return { tokens: await Promise.race([counting, deadline]), source: "sidecar" };
    } catch (error) {
      warnFallback(
        { reason: describeFailure(error), op: "count", model: body.model },
        "token sidecar unavailable; using estimated token count",
      );
      return { tokens: estimate(), source: "fallback" };
    } finally {
      clearTimeout(timer);
    }
  }

  function localPrice(model: string, tokensIn: number, tokensOut: number): PriceResult {
    return { costUsd: priceCall(model, tokensIn, tokensOut)?.costUsd ?? null, source: "local" };
  }

  return {
    countChat(model, messages) {
      return countVia({ model, messages }, () => estimateChatTokens(messages));
    },

    countText(model, text) {
      return countVia({ model, text }, () => estimateTextTokens(text));
    },

    async price(model, tokensIn, tokensOut) {
      // A bad count is the caller's bug: fail loudly.
      for (const count of [tokensIn, tokensOut]) {
        if (!Number.isSafeInteger(count) || count < 0) {
          throw new RangeError(`token counts must be non-negative integers, got ${count}`);
        }
      }
      // The price table is the sidecar's own module, compiled into this process,
      // so the answer is the sidecar's to the digit without its HTTP round trip
      // (which the benchmarks measured on every chat's path to `done`). The
      // sidecar keeps POST /cost for other callers.
      return localPrice(model, tokensIn, tokensOut);
    },

    async health() {
      if (baseUrl === null) return "disabled";
      try {
        const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
        const json: unknown = await response.json().catch(() => undefined);
        return response.ok && isRecord(json) && json.status === "ok" ? "ok" : "down";
      } catch {
        return "down";
      }
    },
  };
}
