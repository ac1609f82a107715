// The answer's one controller: who stopped it decides whether the stored answer
// is incomplete (the caller) or failed (the deadline), and a finished answer
// leaves nothing behind on the long-lived shutdown signal.
import { describe, expect, it } from "vitest";
import { AnswerReleasedError, AnswerStream, StreamDeadlineError } from "./answer-stream.ts";
import type { CompletionEvent, CompletionRequest, LlmProvider } from "./llm/provider.ts";

/** Sends one delta, then waits for its signal like a provider mid-answer. */
const slowProvider: LlmProvider = {
  name: "slow",
  async *stream(request: CompletionRequest): AsyncIterable<CompletionEvent> {
    yield { type: "delta", text: "Hello" };
    request.signal.throwIfAborted();
    await new Promise((_, reject) => {
      request.signal.addEventListener("abort", () => reject(request.signal.reason as Error), { once: true });
    });
  },
};

const request = { model: "m", messages: [{ role: "user" as const, content: "hi" }], parameters: {} };

describe("AnswerStream", () => {
  it("is stopped by the caller, and says so with the caller's reason", async () => {
    const caller = new AbortController();
    const answer = new AnswerStream(slowProvider, request, [caller.signal], 10_000);
    expect((await answer.first).value).toEqual({ type: "delta", text: "Hello" });
    const reason = new Error("client left");
    caller.abort(reason);
    await expect(answer.events.next()).rejects.toBe(reason);
    expect(answer.stoppedByCaller).toEqual({ reason });
    expect(answer.deadlineReached).toBe(false);
    answer.release();
  });

  it("is stopped by the deadline, which is not the caller", async () => {
    const answer = new AnswerStream(slowProvider, request, [new AbortController().signal], 30);
    await answer.first;
    await expect(answer.events.next()).rejects.toBeInstanceOf(StreamDeadlineError);
    expect(answer.deadlineReached).toBe(true);
    expect(answer.stoppedByCaller).toBeNull();
  });

  it("starts already stopped when a caller signal fired before it began", async () => {
    const caller = new AbortController();
    caller.abort(new Error("gone"));
    const answer = new AnswerStream(slowProvider, request, [caller.signal], 10_000);
    expect(answer.signal.aborted).toBe(true);
    expect(answer.stoppedByCaller?.reason).toEqual(new Error("gone"));
    answer.release();
  });

  it("stops a provider call its consumer left early, and leaves the long-lived signals alone", async () => {
    const shutdown = new AbortController();
    const answer = new AnswerStream(slowProvider, request, [shutdown.signal], 10_000);
    await answer.first;
    answer.release();
    await expect(answer.events.next()).rejects.toBeInstanceOf(AnswerReleasedError);
    shutdown.abort(new Error("shutting down"));
    expect(answer.stoppedByCaller).toBeNull();
  });

  it("abandon stops the provider call with the given reason", async () => {
    const answer = new AnswerStream(slowProvider, request, [], 10_000);
    await answer.first;
    const reason = new Error("turn not stored");
    answer.abandon(reason);
    await expect(answer.events.next()).rejects.toBe(reason);
    expect(answer.stoppedByCaller).toBeNull();
    expect(answer.abandoned).toBe(true);
  });

  it("releases an answer read to its end without aborting it, and drops its timer and listeners", async () => {
    const shortProvider: LlmProvider = {
      name: "short",
      async *stream() {
        yield { type: "delta", text: "Hi" };
      },
    };
    const shutdown = new AbortController();
    const answer = new AnswerStream(shortProvider, request, [shutdown.signal], 30);
    let next = await answer.first;
    while (!next.done) next = await answer.events.next();
    answer.markReadToEnd();
    answer.release();
    expect(answer.signal.aborted).toBe(false);
    shutdown.abort(new Error("shutting down"));
    await new Promise((resolve) => setTimeout(resolve, 60));
    // Neither the shutdown nor the deadline reaches an answer already released.
    expect(answer.signal.aborted).toBe(false);
    expect(answer.stoppedByCaller).toBeNull();
    expect(answer.deadlineReached).toBe(false);
  });
});
