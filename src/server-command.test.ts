// `npm start` runs the server with the node flags the tests' and benchmarks'
// server processes take from SERVER_NODE_FLAGS, so what they measure is what
// production runs; and the flags do what they are there for.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { SERVER_NODE_FLAGS } from "./server-command.ts";

const run = promisify(execFile);

describe("the server's node flags", () => {
  it("are the ones npm start passes", async () => {
    const manifest = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as { scripts: { start: string } };
    expect(manifest.scripts.start).toBe(`node ${SERVER_NODE_FLAGS.join(" ")} --import ./scripts/register-typescript.mjs src/index.ts`);
  });

  it("let the young generation grow past node's default", async () => {
    // Objects that survive a while (as a busy server's do) make V8 grow the new
    // space up to its limit: 2 × 16 MB by default.
    const grow = `
      const v8 = require("node:v8");
      let keep = [];
      let largest = 0;
      for (let i = 0; i < 3e6; i++) {
        keep.push({ i, list: [i] });
        if (keep.length > 200000) keep = keep.slice(100000);
        if (i % 10000 === 0) largest = Math.max(largest, v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size);
      }
      console.log(largest);`;
    const newSpaceMb = async (flags: readonly string[]) => Number((await run(process.execPath, [...flags, "-e", grow])).stdout) / 2 ** 20;
    expect(await newSpaceMb([])).toBeLessThanOrEqual(32);
    expect(await newSpaceMb(SERVER_NODE_FLAGS)).toBeGreaterThan(32);
  });

  it("keep the young generation at full size while little survives", async () => {
    // Garbage that dies young, as a chat's does: V8 would start the new space
    // small and never grow it, scavenging many times more often.
    const churn = `
      const v8 = require("node:v8");
      let smallest = Infinity;
      for (let i = 0; i < 3e6; i++) {
        const garbage = { i, list: [i] };
        if (i % 10000 === 0) smallest = Math.min(smallest, v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space").space_size);
      }
      console.log(smallest);`;
    const smallestMb = async (flags: readonly string[]) => Number((await run(process.execPath, [...flags, "-e", churn])).stdout) / 2 ** 20;
    expect(await smallestMb(["--max-semi-space-size=64"])).toBeLessThan(16);
    expect(await smallestMb(SERVER_NODE_FLAGS)).toBeGreaterThanOrEqual(64);
  });
});
