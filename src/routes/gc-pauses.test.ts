// The pause tally of a collection that just ran belongs to the reading that
// asked for it, not to the next window: the streams benchmark's idle reading
// forces two collections and then starts the ramp's window.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { GcPauses } from "./gc-pauses.ts";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

describe("GcPauses", () => {
  const pauses = new GcPauses();
  afterEach(() => pauses.stop());

  it("counts a forced collection once settled, and a reset leaves the next window without it", async () => {
    pauses.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    pauses.reset();
    collectGarbage();
    await pauses.settled();
    const read = pauses.read();
    expect(read.major?.count).toBeGreaterThanOrEqual(1);
    expect(read.major!.total_ms).toBeGreaterThanOrEqual(read.major!.max_ms);
    pauses.reset();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pauses.read().major).toBeUndefined();
  });
});
