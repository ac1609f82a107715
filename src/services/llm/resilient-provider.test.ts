// The production OpenAI provider against fake upstreams, wrapped in the
// resilience policies: retry before the first byte, failover, circuit breaker,
// first-token timeout.
import { TaskCancelledError } from "cockatiel";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../logger.ts";
import { startFakeUpstream, type FakeUpstream } from "../../testing/fake-openai-upstream.ts";
import { OpenAiProvider } from "./openai-provider.ts";
import type { CompletionEvent } from "./provider.ts";
import { AllProvidersFailedError, ResilientProvider, type ResilienceOptions } from "./resilient-provider.ts";

const log = createLogger({ level: "silent", pretty: false });

async function collect(provider: ResilientProvider, signal = new AbortController().signal): Promise<CompletionEvent[]> {
  const events: CompletionEvent[] = [];
  for await (const event of provider.stream({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], parameters: {}, signal })) {
    events.push(event);
  }
  return events;
}

describe("ResilientProvider", () => {
  let primary: FakeUpstream;
  let secondary: FakeUpstream;
  beforeAll(async () => {
    [primary, secondary] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
  });
  afterAll(async () => {
    await Promise.all([primary.close(), secondary.close()]);
  });
  beforeEach(() => {
    primary.reset();
    secondary.reset();
  });

  function make(options: Partial<ResilienceOptions>, withSecondary = true) {
    const routes = [{ provider: new OpenAiProvider({ name: "primary", baseURL: primary.baseURL, timeoutMs: 10_000 }) }];
    if (withSecondary) {
      routes.push({ provider: new OpenAiProvider({ name: "secondary", baseURL: secondary.baseURL, timeoutMs: 10_000 }), model: "backup-model" } as never);
    }
    return new ResilientProvider(routes, log, { backoffInitialMs: 10, backoffMaxMs: 20, ...options });
  }

  it("serves from the primary and says so", async () => {
    const events = await collect(make({}));
    expect(events[0]).toEqual({ type: "served", provider: "primary", model: "gpt-4o-mini", fallback: false });
    expect(events.filter((e) => e.type === "delta")).toHaveLength(5);
  });

  it("retries the primary, then fails over to the secondary with its own model", async () => {
    primary.reset({ failStatus: 503 });
    const events = await collect(make({ maxAttempts: 3 }));
    expect(primary.requests).toHaveLength(3);
    expect(secondary.requests).toHaveLength(1);
    expect(secondary.requests[0]!.body.model).toBe("backup-model");
    expect(events[0]).toEqual({ type: "served", provider: "secondary", model: "backup-model", fallback: true });
  });

  it("fails over when the first token is too slow, and aborts the slow attempt", async () => {
    primary.reset({ delayBeforeFirstMs: 1_000 });
    const started = Date.now();
    const events = await collect(make({ maxAttempts: 1, firstTokenTimeoutMs: 100 }));
    expect(Date.now() - started).toBeLessThan(900);
    expect(events[0]).toMatchObject({ provider: "secondary", fallback: true });
    expect(await primary.requests[0]!.aborted).toBe(true);
  });

  it("cuts every attempt whose first token is too slow, retries, then fails over", async () => {
    primary.reset({ delayBeforeFirstMs: 1_000 });
    const events = await collect(make({ maxAttempts: 2, firstTokenTimeoutMs: 100 }));
    expect(primary.requests).toHaveLength(2);
    expect(await Promise.all(primary.requests.map((request) => request.aborted))).toEqual([true, true]);
    expect(events[0]).toMatchObject({ provider: "secondary", fallback: true });
  });

  it("fails a first token that never comes with a TaskCancelledError (the chat's first_token_timeout), not an empty answer", async () => {
    primary.reset({ delayBeforeFirstMs: 1_000 });
    const failure = await collect(make({ maxAttempts: 1, firstTokenTimeoutMs: 100 }, false)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AllProvidersFailedError);
    expect((failure as AllProvidersFailedError).causes.at(-1)).toBeInstanceOf(TaskCancelledError);
    expect(await primary.requests[0]!.aborted).toBe(true);
  });

  it("never retries once the first byte went out: a mid-stream failure surfaces", async () => {
    primary.reset({ chunks: 10, dropAfterChunks: 2 });
    const events: CompletionEvent[] = [];
    const provider = make({ maxAttempts: 3 });
    await expect(async () => {
      for await (const event of provider.stream({ model: "m", messages: [], parameters: {}, signal: new AbortController().signal })) {
        events.push(event);
      }
    }).rejects.toThrow();
    expect(events.filter((e) => e.type === "delta")).toHaveLength(2);
    expect(primary.requests).toHaveLength(1);
    expect(secondary.requests).toHaveLength(0);
  });

  it("hands out the first event once, after served, and cuts the request when the reader stops early", async () => {
    primary.reset({ chunks: 20, delayBetweenMs: 20 });
    const events: CompletionEvent[] = [];
    for await (const event of make({}).stream({ model: "m", messages: [], parameters: {}, signal: new AbortController().signal })) {
      events.push(event);
      if (events.length === 3) break;
    }
    expect(events.map((e) => e.type)).toEqual(["served", "delta", "delta"]);
    const [first, second] = events.slice(1) as Array<{ text: string }>;
    expect(first!.text).not.toBe(second!.text);
    expect(await primary.requests[0]!.aborted).toBe(true);
  });

  it("opens the circuit after consecutive failures, skips the provider, and half-opens after the cooldown", async () => {
    primary.reset({ failStatus: 500 });
    const provider = make({ maxAttempts: 1, breakerFailures: 3, breakerHalfOpenAfterMs: 300 }, false);
    for (let i = 0; i < 3; i++) await expect(collect(provider)).rejects.toThrow("every provider failed");
    expect(primary.requests).toHaveLength(3);
    expect(provider.circuitStates()).toEqual({ primary: "open" });

    // While open, the provider is not even called.
    await expect(collect(provider)).rejects.toThrow("every provider failed");
    expect(primary.requests).toHaveLength(3);

    // After the cooldown one trial call goes through; it succeeds and closes the circuit.
    await new Promise((resolve) => setTimeout(resolve, 350));
    primary.reset();
    const events = await collect(provider);
    expect(events[0]).toMatchObject({ provider: "primary" });
    expect(provider.circuitStates()).toEqual({ primary: "closed" });
  });

  it("does not count a caller hanging up as a provider failure", async () => {
    primary.reset({ delayBeforeFirstMs: 2_000 });
    const provider = make({ maxAttempts: 3, breakerFailures: 2 }, false);
    for (let i = 0; i < 3; i++) {
      const caller = new AbortController();
      setTimeout(() => caller.abort(new Error("gone")), 30);
      await expect(collect(provider, caller.signal)).rejects.toThrow("gone");
    }
    // One attempt each (no retries for a caller abort), and the circuit stays closed.
    expect(primary.requests).toHaveLength(3);
    expect(provider.circuitStates()).toEqual({ primary: "closed" });
  });

  it("closes every provider's kept-alive connections at shutdown", async () => {
    const provider = make({ maxAttempts: 1 });
    await collect(provider);
    await provider.close();
    // Both routes refuse new calls once closed, so no socket outlives the server.
    const failure = await collect(provider).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AllProvidersFailedError);
    expect((failure as AllProvidersFailedError).causes.map((cause) => (cause as Error).name)).toEqual(["ClientDestroyedError", "ClientDestroyedError"]);
    expect(primary.requests).toHaveLength(1);
  });
});
