// The stop signal every open chat listens on: thousands of listeners are the
// normal case and must not print Node's "possible memory leak" warning.
import { describe, expect, it } from "vitest";
import { Lifecycle } from "./lifecycle.ts";

describe("Lifecycle", () => {
  it("takes a listener per open chat on its stop signal without a leak warning", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const lifecycle = new Lifecycle();
      const listeners = Array.from({ length: 50 }, () => () => {});
      for (const listener of listeners) lifecycle.stopSignal.addEventListener("abort", listener);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      for (const listener of listeners) lifecycle.stopSignal.removeEventListener("abort", listener);
      expect(warnings.filter((warning) => warning.name === "MaxListenersExceededWarning")).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("stops the work still running at the deadline, and waits for it", async () => {
    const lifecycle = new Lifecycle();
    const finished: string[] = [];
    void lifecycle.track(async () => {
      await new Promise((resolve) => lifecycle.stopSignal.addEventListener("abort", resolve, { once: true }));
      finished.push("stopped");
    });
    expect(await lifecycle.drain(20)).toEqual({ stopped: 1 });
    expect(finished).toEqual(["stopped"]);
  });
});
