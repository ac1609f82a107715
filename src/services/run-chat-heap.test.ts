// What an open stream keeps on the heap while it waits for the provider: the
// event runChat just forwarded must be garbage by then. V8 keeps a suspended
// async function's registers, dead or not, so a loop variable held the last
// event and its text on every open stream (0.5 KB each in the streams
// benchmark's heap snapshot, docs/BENCHMARKS.md).
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it, vi } from "vitest";
import { captureLog } from "../testing/capture-log.ts";
import { AnswerStream } from "./answer-stream.ts";
import { runChat, type ChatDeps, type PreparedChat } from "./chat.ts";
import type { CompletionEvent, LlmProvider } from "./llm/provider.ts";
import type { MessageBatchWriter } from "./message-batch-writer.ts";
import { createTokenCounter } from "./token-counter.ts";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** Serves, sends one delta it keeps no hold on, then waits until told to finish. */
class OneDeltaThenWait implements LlmProvider {
  readonly name = "one-delta";
  forwarded: WeakRef<CompletionEvent> | null = null;
  private finish: (() => void) | null = null;

  stream(): AsyncIterable<CompletionEvent> {
    let step = 0;
    const iterator: AsyncIterator<CompletionEvent> = {
      next: () => {
        step++;
        if (step === 1) return Promise.resolve({ done: false, value: { type: "served", provider: this.name, model: "m", fallback: false } });
        if (step === 2) {
          const delta: CompletionEvent = { type: "delta", text: "the only piece" };
          this.forwarded = new WeakRef(delta);
          return Promise.resolve({ done: false, value: delta });
        }
        if (step === 3) return new Promise((resolve) => (this.finish = () => resolve({ done: true, value: undefined })));
        return Promise.resolve({ done: true, value: undefined });
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };
  }

  end(): void {
    this.finish?.();
  }
}

describe("runChat while it waits for the provider's next event", () => {
  it("holds nothing of the event it already forwarded", async () => {
    const provider = new OneDeltaThenWait();
    const { log } = captureLog();
    const written: unknown[] = [];
    const deps = {
      provider,
      log,
      tokenCounter: createTokenCounter({ baseUrl: null, timeoutMs: 100, log }),
      messages: { write: async (write: unknown) => void written.push(write) } as unknown as MessageBatchWriter,
    } as unknown as ChatDeps;
    const answer = new AnswerStream(provider, { model: "m", messages: [], parameters: {} }, [], 60_000);
    const prepared = {
      traceId: "t",
      assistantMessageId: "a",
      conversationId: "c",
      assignmentUnit: "u",
      experiment: null,
      model: "m",
      estimate: Promise.resolve({ tokens: 1, source: "fallback" }),
      answer,
      turnsStored: Promise.resolve(null),
    } as unknown as PreparedChat;
    const deltas: string[] = [];

    const running = runChat(deps, prepared, performance.now(), (text) => deltas.push(text));
    await vi.waitFor(() => expect(deltas).toEqual(["the only piece"]));
    // A WeakRef keeps its target through the job that made it.
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(provider.forwarded?.deref()).toBeUndefined();

    provider.end();
    const outcome = await running;
    expect(outcome).toMatchObject({ status: "complete", content: "the only piece" });
    expect(written).toHaveLength(1);
  });
});
