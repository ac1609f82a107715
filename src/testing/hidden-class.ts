// Whether objects made the same way share V8's hidden class (its Map), asked
// of V8 itself: %HaveSameMap in a child node started with
// --allow-natives-syntax. `setup` is module code (it may import the project's
// TypeScript by path from the repository root); `make` is an expression run
// 10,000 times, so the check sees what optimized code makes too, and the last
// two results are compared.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { TYPESCRIPT_IMPORT } from "../typescript-loader.ts";

const run = promisify(execFile);

export async function madeWithSameHiddenClass(setup: string, make: string): Promise<boolean> {
  const script = `
    ${setup}
    const make = (i) => ${make};
    let a, b;
    for (let i = 0; i < 10000; i++) [a, b] = [b, make(i)];
    console.log(%HaveSameMap(a, b));`;
  const { stdout } = await run(process.execPath, ["--allow-natives-syntax", ...TYPESCRIPT_IMPORT, "--input-type=module", "-e", script], {
    cwd: new URL("../..", import.meta.url),
  });
  return stdout.trim() === "true";
}
