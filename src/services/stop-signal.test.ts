// StopSignal is there for one property AbortSignal lacks in Node 20: its
// instances share their hidden classes, so making one per chat leaves no
// old-generation garbage. V8's own %HaveSameMap says so, in a child process
// started with --allow-natives-syntax; the same check on AbortSignal shows
// what the test would catch.
import { describe, expect, it } from "vitest";
import { madeWithSameHiddenClass } from "../testing/hidden-class.ts";
import { StopController } from "./stop-signal.ts";

const setup = `import { StopController } from "./src/services/stop-signal.ts";`;

describe("StopSignal", () => {
  it("is made without a hidden class of its own, which Node 20's AbortSignal is not", async () => {
    expect(await madeWithSameHiddenClass(setup, "new StopController().signal")).toBe(true);
    expect(await madeWithSameHiddenClass(setup, "new AbortController().signal")).toBe(false);
  });

  it("aborts once, with the first reason, telling its listeners", () => {
    const controller = new StopController();
    const heard: unknown[] = [];
    controller.signal.addEventListener("abort", () => heard.push(controller.signal.reason));
    expect(controller.signal.aborted).toBe(false);
    expect(() => controller.signal.throwIfAborted()).not.toThrow();
    const first = new Error("first");
    controller.abort(first);
    controller.abort(new Error("second"));
    expect(controller.signal.aborted).toBe(true);
    expect(heard).toEqual([first]);
    expect(() => controller.signal.throwIfAborted()).toThrow(first);
  });

  it("aborts with an AbortError when given no reason", () => {
    const controller = new StopController();
    controller.abort();
    expect(controller.signal.reason).toBeInstanceOf(DOMException);
    expect((controller.signal.reason as DOMException).name).toBe("AbortError");
  });
});
