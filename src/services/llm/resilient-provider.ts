// Wraps the configured providers with the seed's provider-outage plan, using
// cockatiel's maintained policies for retries with exponential backoff and
// full jitter (only before the first byte, so a client never sees an answer
// restart) and a circuit breaker per provider that opens after consecutive
// failures and half-opens after a cooldown; a first-token timeout per attempt
// (a timer of its own, see open()); and failover to a secondary provider. It
// announces which provider and model actually served the answer with a
// `served` event.
import {
  BrokenCircuitError,
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  fullJitterGenerator,
  handleWhen,
  retry,
  TaskCancelledError,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from "cockatiel";
import type { Logger } from "../../logger.ts";
import type { CompletionEvent, CompletionRequest, LlmProvider } from "./provider.ts";

export interface ProviderRoute {
  provider: LlmProvider;
  /** Serve with this model instead of the prompt version's (a secondary's own model). */
  model?: string;
}

export interface ResilienceOptions {
  firstTokenTimeoutMs: number;
  /** Attempts per provider, the first included. */
  maxAttempts: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  breakerFailures: number;
  breakerHalfOpenAfterMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  firstTokenTimeoutMs: 30_000,
  maxAttempts: 2,
  backoffInitialMs: 100,
  backoffMaxMs: 2_000,
  breakerFailures: 5,
  breakerHalfOpenAfterMs: 10_000,
};

const CIRCUIT_STATE_NAMES: Record<CircuitState, string> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half_open",
  [CircuitState.Isolated]: "isolated",
};

export class AllProvidersFailedError extends Error {
  constructor(readonly causes: unknown[]) {
    super("every provider failed before answering", { cause: causes.at(-1) });
    this.name = "AllProvidersFailedError";
  }
}

/** Thrown inside an attempt when the caller went away, so no policy counts it as a provider failure. */
class CallerAbortedError extends Error {}

interface Opened {
  iterator: AsyncIterator<CompletionEvent>;
  first: IteratorResult<CompletionEvent>;
}

interface Guarded {
  route: ProviderRoute;
  breaker: CircuitBreakerPolicy;
  policy: IPolicy;
}

export class ResilientProvider implements LlmProvider {
  readonly name: string;
  private readonly routes: Guarded[];
  /** Per attempt, the same for every provider. */
  private readonly firstTokenTimeoutMs: number;

  constructor(
    routes: ProviderRoute[],
    private readonly log: Logger,
    options: Partial<ResilienceOptions> = {},
  ) {
    const settings = { ...DEFAULT_RESILIENCE, ...options };
    if (routes.length === 0) throw new Error("at least one provider is required");
    this.name = routes[0]!.provider.name;
    this.firstTokenTimeoutMs = settings.firstTokenTimeoutMs;
    this.routes = routes.map((route) => {
      // A caller hang-up or an already-open breaker is not the provider failing again.
      const failure = handleWhen((error) => !(error instanceof BrokenCircuitError) && !(error instanceof CallerAbortedError));
      const breaker = circuitBreaker(failure, {
        halfOpenAfter: settings.breakerHalfOpenAfterMs,
        breaker: new ConsecutiveBreaker(settings.breakerFailures),
      });
      breaker.onBreak(() => log.error({ event: "circuit_open", provider: route.provider.name }, "provider circuit opened"));
      breaker.onHalfOpen(() => log.warn({ event: "circuit_half_open", provider: route.provider.name }, "provider circuit half-open"));
      breaker.onReset(() => log.info({ event: "circuit_closed", provider: route.provider.name }, "provider circuit closed"));
      const retries = retry(failure, {
        maxAttempts: settings.maxAttempts - 1,
        backoff: new ExponentialBackoff({
          generator: fullJitterGenerator,
          initialDelay: settings.backoffInitialMs,
          maxDelay: settings.backoffMaxMs,
        }),
      });
      // The first-token timeout is a timer per attempt in open(), not cockatiel's
      // timeout policy: that derives an AbortController per attempt, and every
      // Node 20 AbortSignal is old-generation garbage (stop-signal.ts).
      return { route, breaker, policy: wrap(retries, breaker) };
    });
  }

  /** Each provider's breaker state, for /health. */
  circuitStates(): Record<string, string> {
    return Object.fromEntries(this.routes.map(({ route, breaker }) => [route.provider.name, CIRCUIT_STATE_NAMES[breaker.state]]));
  }

  async close(): Promise<void> {
    await Promise.all(this.routes.map(({ route }) => route.provider.close?.()));
  }

  private async open(guarded: Guarded, request: CompletionRequest): Promise<Opened> {
    return guarded.policy.execute(async () => {
      // The attempt gets the caller's own signal, which stops it for the whole
      // answer. The first-token timeout stops it through its iterator instead
      // (return() cuts the provider's request).
      const iterator = guarded.route.provider
        .stream({ ...request, model: guarded.route.model ?? request.model })
        [Symbol.asyncIterator]();
      const timeoutMs = this.firstTokenTimeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // Rejected before the cut, which ends the pending next() quietly.
          reject(new TaskCancelledError(`Operation timed out after ${timeoutMs}ms`));
          void iterator.return?.().catch(() => {});
        }, timeoutMs);
      });
      try {
        const first = await Promise.race([iterator.next(), timedOut]);
        // A provider may end quietly on abort: an end with nothing sent is a failure, not an empty answer.
        request.signal.throwIfAborted();
        return { iterator, first };
      } catch (error) {
        if (request.signal.aborted) throw new CallerAbortedError("caller aborted");
        throw error;
      } finally {
        clearTimeout(timer);
      }
    });
  }

  /** The first provider that starts answering, in order, with the event that says which it is. */
  private async openFirstWorking(request: CompletionRequest): Promise<Opened & { served: CompletionEvent }> {
    const causes: unknown[] = [];
    for (const [index, guarded] of this.routes.entries()) {
      request.signal.throwIfAborted();
      try {
        const opened = await this.open(guarded, request);
        const served: CompletionEvent = {
          type: "served",
          provider: guarded.route.provider.name,
          model: guarded.route.model ?? request.model,
          fallback: index > 0,
        };
        return { iterator: opened.iterator, first: opened.first, served };
      } catch (error) {
        if (request.signal.aborted) throw request.signal.reason as Error;
        causes.push(error);
        this.log.warn(
          { event: "provider_failed", provider: guarded.route.provider.name, err: error, next: this.routes[index + 1]?.route.provider.name ?? null },
          "provider failed before the first token",
        );
      }
    }
    throw new AllProvidersFailedError(causes);
  }

  stream(request: CompletionRequest): AsyncIterable<CompletionEvent> {
    return new FailoverStream(() => this.openFirstWorking(request));
  }
}

/**
 * The `served` event, then the answering provider's own events, read straight
 * from its iterator: an async generator here would add a generator object per
 * open stream and a promise and a microtask hop per event, and it held the
 * first event for the whole answer. Read one event at a time.
 */
class FailoverStream implements AsyncIterableIterator<CompletionEvent> {
  private iterator: AsyncIterator<CompletionEvent> | null = null;
  /** The provider's first event, read while opening, handed out after `served`. */
  private first: IteratorResult<CompletionEvent> | null = null;
  private finished = false;

  /** Dropped once used: it holds the whole request (the prompt, every turn) for as long as the answer streams. */
  private openFirstWorking: (() => Promise<Opened & { served: CompletionEvent }>) | null;

  constructor(openFirstWorking: () => Promise<Opened & { served: CompletionEvent }>) {
    this.openFirstWorking = openFirstWorking;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<CompletionEvent>> {
    if (this.finished) return Promise.resolve({ done: true, value: undefined });
    if (this.iterator === null) return this.start();
    const first = this.first;
    if (first) {
      this.first = null;
      return Promise.resolve(first);
    }
    return this.iterator.next();
  }

  /** The reader stopped early: the answering provider's call is cut. */
  async return(): Promise<IteratorResult<CompletionEvent>> {
    this.finished = true;
    this.first = null;
    await this.iterator?.return?.();
    return { done: true, value: undefined };
  }

  private async start(): Promise<IteratorResult<CompletionEvent>> {
    const open = this.openFirstWorking;
    if (!open) throw new Error("FailoverStream is read one event at a time");
    this.openFirstWorking = null;
    try {
      const { iterator, first, served } = await open();
      if (this.finished) {
        // The reader stopped while the provider was being opened.
        await iterator.return?.();
        return { done: true, value: undefined };
      }
      this.iterator = iterator;
      // A provider that ended without a word gave an empty answer.
      if (first.done) this.finished = true;
      else this.first = first;
      return { done: false, value: served };
    } catch (error) {
      this.finished = true;
      throw error;
    }
  }
}
