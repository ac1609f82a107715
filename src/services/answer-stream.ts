// One provider answer in flight. prepareChat starts it before the chat's own
// writes finish, so it must be stoppable for every reason by one controller:
// the caller going away (a client hang-up, the end of a shutdown's grace
// period), the whole-answer deadline, or preparation failing. One controller
// with plain listeners and one timer, instead of AbortSignal.any and
// AbortSignal.timeout, whose WeakRef bookkeeping showed in the CPU profiles
// and in the heap of every open stream.
import { onAbort } from "./abort-fanout.ts";
import { StopController, type StopSignalLike } from "./stop-signal.ts";
import type { CompletionEvent, CompletionRequest, LlmProvider } from "./llm/provider.ts";
import { extended } from "../extended.ts";

/** The reason the provider call sees when the whole-answer deadline passes. */
export class StreamDeadlineError extends Error {
  constructor(timeoutMs: number) {
    super(`the answer did not finish within ${timeoutMs} ms`);
    this.name = "StreamDeadlineError";
  }
}

/** The reason a provider call still going sees when its consumer is done with it. */
export class AnswerReleasedError extends Error {
  constructor() {
    super("the answer's consumer stopped reading");
    this.name = "AnswerReleasedError";
  }
}

/**
 * What stops an answer on its caller's behalf: an AbortSignal (the server's
 * shutdown), or a watch on a one-off event such as the client hanging up,
 * which calls `stop` when it happens and returns the function that stops
 * watching. A watch costs a listener where an AbortController per request
 * cost a signal (~0.7 KB once listened to), its listener tables and a
 * fan-out entry in every open stream's heap.
 */
export type CallerStop = AbortSignal | StopWatch;

/** Calls `stop` with a reason when its event happens; returns the function that stops watching. */
export type StopWatch = (stop: (reason: unknown) => void) => () => void;

export class AnswerStream {
  readonly events: AsyncIterator<CompletionEvent>;
  /** The first event, asked for at once; whoever consumes the answer awaits it. */
  readonly first: Promise<IteratorResult<CompletionEvent>>;
  private readonly controller = new StopController();
  private readonly timer: NodeJS.Timeout;
  private callerStop: { reason: unknown } | null = null;
  private deadlinePassed = false;
  private wasAbandoned = false;
  private readToEnd = false;
  private readonly stopListening: Array<() => void>;

  constructor(
    provider: LlmProvider,
    request: Omit<CompletionRequest, "signal">,
    callerStops: readonly CallerStop[],
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => {
      this.deadlinePassed = true;
      this.controller.abort(new StreamDeadlineError(timeoutMs));
    }, timeoutMs);
    // Signals through the fan-out: the shutdown signal is shared by every open stream.
    this.stopListening = callerStops.map((stop) => (typeof stop === "function" ? stop(this.onCallerAbort) : onAbort(stop, this.onCallerAbort)));
    this.events = provider.stream(extended(request, { signal: this.controller.signal }))[Symbol.asyncIterator]();
    this.first = this.events.next();
    // Observed by whoever consumes the answer; if preparation fails first, nobody will, and the rejection is expected.
    this.first.catch(() => {});
  }

  private readonly onCallerAbort = (reason: unknown): void => {
    this.stopForCaller(reason);
  };

  private stopForCaller(reason: unknown): void {
    this.callerStop ??= { reason };
    this.controller.abort(reason);
  }

  /** Aborted for any reason; a provider may end quietly on abort, so a clean end is checked against it. */
  get signal(): StopSignalLike {
    return this.controller.signal;
  }

  /** The caller stopped the answer (the answer is then incomplete, not failed), and why. */
  get stoppedByCaller(): { reason: unknown } | null {
    return this.callerStop;
  }

  get deadlineReached(): boolean {
    return this.deadlinePassed;
  }

  /** Stopped by abandon(): the chat failed around the answer, not the provider. */
  get abandoned(): boolean {
    return this.wasAbandoned;
  }

  /** Stops the provider call because the chat cannot go on (its turns could not be stored). */
  abandon(reason: unknown): void {
    this.wasAbandoned = true;
    this.controller.abort(reason);
    this.release();
  }

  /** The consumer saw the events end: the provider call is over and has nothing left to stop. */
  markReadToEnd(): void {
    this.readToEnd = true;
  }

  /**
   * Once the answer is over, however it ended: stops the provider call if it
   * may still be going (the consumer stopped reading early), then drops the
   * timer and the listeners on long-lived signals. An answer read to its end is
   * not aborted: that cost an Error with its stack and an abort event through
   * every listener on every chat (3.4% of the server's busy time at 900 chats/s).
   */
  release(): void {
    if (!this.readToEnd && !this.controller.signal.aborted) this.controller.abort(new AnswerReleasedError());
    clearTimeout(this.timer);
    for (const stop of this.stopListening) stop();
  }
}
