// The main server's client for the token/pricing sidecar. Token counts and
// prices must never block a call: if the sidecar is disabled, down or slow we
// answer locally (an estimate for counts, the same exact table for prices)
// and say so through `source`.
import type { Logger } from "pino";
import { priceCall } from "../../sidecar/pricing.ts";
import { countChatTokens, type ChatMessage } from "../../sidecar/token-count.ts";

export type { ChatMessage };

export type TokenSource = "sidecar" | "fallback";
export type TokenCountResult = { tokens: number; source: TokenSource };
export type PriceResult = { costUsd: string | null; source: TokenSource };
export type SidecarHealth = "ok" | "down" | "disabled";

export type TokenCounter = {
  countChat(model: string, messages: readonly ChatMessage[]): Promise<TokenCountResult>;
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

function describeFailure(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return "timeout";
  if (error instanceof SidecarUnavailable) return error.message;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (typeof cause?.code === "string") return cause.code;
  return error instanceof Error ? error.name : "unknown";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function createTokenCounter(options: TokenCounterOptions): TokenCounter {
  const { timeoutMs, log } = options;
  const baseUrl = options.baseUrl?.replace(/\/+$/, "") ?? null;
  const warnFallback = createRateLimitedWarn(log, FALLBACK_WARN_INTERVAL_MS);

  if (baseUrl === null) {
    // Disabled is a deployment choice, not a fault: say it once, not per call.
    log.warn("token sidecar disabled; token counts are estimates");
  }

  async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const json: unknown = await response.json().catch(() => undefined);
    return { status: response.status, json };
  }

  async function countVia(body: Record<string, unknown>, estimate: () => number): Promise<TokenCountResult> {
    if (baseUrl === null) return { tokens: estimate(), source: "fallback" };
    try {
      const { status, json } = await post(`${baseUrl}/count`, body);
      if (status === 200 && isRecord(json) && Number.isSafeInteger(json.tokens)) {
        return { tokens: json.tokens as number, source: "sidecar" };
      }
      throw new SidecarUnavailable(`status ${status}`);
    } catch (error) {
      warnFallback(
        { reason: describeFailure(error), op: "count", model: body.model },
        "token sidecar unavailable; using estimated token count",
      );
      return { tokens: estimate(), source: "fallback" };
    }
  }

  function localPrice(model: string, tokensIn: number, tokensOut: number): PriceResult {
    return { costUsd: priceCall(model, tokensIn, tokensOut)?.costUsd ?? null, source: "fallback" };
  }

  return {
    countChat(model, messages) {
      return countVia({ model, messages }, () => estimateChatTokens(messages));
    },

    countText(model, text) {
      return countVia({ model, text }, () => estimateTextTokens(text));
    },

    async price(model, tokensIn, tokensOut) {
      // A bad count is the caller's bug, not a sidecar outage: fail before any I/O.
      for (const count of [tokensIn, tokensOut]) {
        if (!Number.isSafeInteger(count) || count < 0) {
          throw new RangeError(`token counts must be non-negative integers, got ${count}`);
        }
      }
      if (baseUrl === null) return localPrice(model, tokensIn, tokensOut);
      try {
        const { status, json } = await post(`${baseUrl}/cost`, { model, tokens_in: tokensIn, tokens_out: tokensOut });
        if (status === 200 && isRecord(json) && typeof json.cost_usd === "string") {
          return { costUsd: json.cost_usd, source: "sidecar" };
        }
        // The sidecar answered authoritatively that it has no price for this model.
        if (status === 404 && isRecord(json) && isRecord(json.error) && json.error.code === "unknown_model") {
          return { costUsd: null, source: "sidecar" };
        }
        throw new SidecarUnavailable(`status ${status}`);
      } catch (error) {
        warnFallback(
          { reason: describeFailure(error), op: "price", model },
          "token sidecar unavailable; pricing locally",
        );
        return localPrice(model, tokensIn, tokensOut);
      }
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
