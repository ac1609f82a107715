// The module hooks `npm start` runs the code with: types stripped without
// tsx's __name() wrappers, names kept anyway, and stack traces that point
// into the .ts source.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { load } from "../scripts/typescript-hooks.mjs";
import { TYPESCRIPT_IMPORT } from "./typescript-loader.ts";

const run = promisify(execFile);

const SAMPLE = `export class Counter {
  constructor(private readonly step: number) {}
  readonly add = (value: number): number => value + this.step;
}
export const named = (): string => "x";
export function fail(): never {
  const reason: string = "thrown on line 8";
  throw new Error(reason);
}
`;

describe("the TypeScript module hooks", () => {
  let dir: string;
  let sample: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "promptlab-loader-"));
    sample = path.join(dir, "sample.ts");
    await writeFile(sample, SAMPLE);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("strips the types and adds no __name() wrappers", async () => {
    const loaded = (await load(pathToFileURL(sample).href, { format: undefined, importAttributes: {}, importAssertions: {}, conditions: [] }, () => {
      throw new Error("a .ts file must not reach the next loader");
    })) as { format: string; source: string };
    expect(loaded.format).toBe("module");
    expect(loaded.source).not.toContain("__name");
    expect(loaded.source).not.toContain(": number");
  });

  it("runs TypeScript in a child process with names intact and stack traces into the .ts file", async () => {
    const script = `import(${JSON.stringify(pathToFileURL(sample).href)}).then((m) => {
      const counter = new m.Counter(2);
      console.log(JSON.stringify({ sum: counter.add(1), className: m.Counter.name, fnName: m.named.name, ownProps: Object.getOwnPropertyNames(counter.add) }));
      m.fail();
    });`;
    const result = await run(process.execPath, [...TYPESCRIPT_IMPORT, "--input-type=module", "-e", script]).catch((error: { stdout: string; stderr: string }) => error);
    const printed = JSON.parse(result.stdout.trim()) as Record<string, unknown>;
    expect(printed).toEqual({ sum: 3, className: "Counter", fnName: "named", ownProps: ["length", "name"] });
    expect(result.stderr).toContain("thrown on line 8");
    expect(result.stderr).toMatch(/sample\.ts:8:\d+/);
  });
});
