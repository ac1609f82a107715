// The fan-out must behave like addEventListener("abort", ..., { once: true })
// for the callers that use it, whatever the number of listeners.
import { describe, expect, it } from "vitest";
import { onAbort } from "./abort-fanout.ts";

describe("onAbort", () => {
  it("calls every callback still listening once, with the reason", () => {
    const controller = new AbortController();
    const calls: unknown[] = [];
    const stops = Array.from({ length: 10_000 }, (_, index) => onAbort(controller.signal, (reason) => calls.push([index, reason])));
    for (let index = 0; index < 10_000; index += 2) stops[index]!();
    const reason = new Error("shutting down");
    controller.abort(reason);
    expect(calls).toHaveLength(5_000);
    expect(calls[0]).toEqual([1, reason]);
    controller.abort(new Error("again"));
    expect(calls).toHaveLength(5_000);
  });

  it("calls at once for a signal that has already aborted", () => {
    const controller = new AbortController();
    controller.abort("gone");
    const calls: unknown[] = [];
    const stop = onAbort(controller.signal, (reason) => calls.push(reason));
    expect(calls).toEqual(["gone"]);
    stop();
  });

  it("adds one real listener per signal, not one per callback", () => {
    const controller = new AbortController();
    let added = 0;
    const original = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<AbortSignal["addEventListener"]>) => {
      added++;
      original(...args);
    }) as AbortSignal["addEventListener"];
    for (let index = 0; index < 100; index++) onAbort(controller.signal, () => {});
    expect(added).toBe(1);
  });

  it("listens once to the same callback added twice, like addEventListener", () => {
    const controller = new AbortController();
    let calls = 0;
    const callback = () => calls++;
    onAbort(controller.signal, callback);
    onAbort(controller.signal, callback);
    controller.abort();
    expect(calls).toBe(1);
  });

  it("keeps listeners added to one signal away from another", () => {
    const first = new AbortController();
    const second = new AbortController();
    const calls: string[] = [];
    onAbort(first.signal, () => calls.push("first"));
    onAbort(second.signal, () => calls.push("second"));
    second.abort();
    expect(calls).toEqual(["second"]);
  });
});
