// A stand-in for AbortController/AbortSignal on the per-chat path. Node 20
// makes every AbortSignal by turning an EventTarget into one
// (Object.setPrototypeOf, then adding its fields), and V8 gives each such
// object hidden classes of its own. Those Maps are allocated in the old
// generation and their descriptor arrays in the young one; a dead Map still
// keeps its array through the next scavenge, which then promotes it. So every
// signal left ~450 bytes of old-generation garbage, and with three per chat
// they brought a mark-compact every few seconds at 500 chats/s
// (docs/BENCHMARKS.md, item 39). A class's instances share one hidden class.
// It has what the chat path and undici use of a signal: `aborted`, `reason`,
// `throwIfAborted` and the "abort" event.

/** What the chat path uses of a signal: an AbortSignal has it, and so does a StopSignal. */
export interface StopSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  throwIfAborted(): void;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** Only StopController aborts a StopSignal: a holder of the signal alone cannot, as with AbortSignal. */
const abortSignal = Symbol("abort");

export class StopSignal extends EventTarget implements StopSignalLike {
  #aborted = false;
  #reason: unknown = undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  get reason(): unknown {
    return this.#reason;
  }

  throwIfAborted(): void {
    if (this.#aborted) throw this.#reason;
  }

  /** Aborts once; later calls keep the first reason, as AbortController does. */
  [abortSignal](reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.dispatchEvent(new Event("abort"));
  }
}

export class StopController {
  readonly signal = new StopSignal();

  abort(reason: unknown = new DOMException("This operation was aborted", "AbortError")): void {
    this.signal[abortSignal](reason);
  }
}
