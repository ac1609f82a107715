// Node module hooks that run PromptLab's TypeScript: esbuild strips the types
// file by file, as tsx does, with the project's tsconfig. The difference is
// tsx's keepNames, which it cannot turn off: it wraps every named function in
// __name(), which gives each closure a property array when it is created.
// Open chat streams hold ~25 of them: 1.4 KB of each one's heap (a heap
// snapshot at 1,000 streams, docs/BENCHMARKS.md). Nothing is minified, so
// every function keeps its own name without it.
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { transform } from "esbuild";

const { compilerOptions } = JSON.parse(readFileSync(new URL("../tsconfig.json", import.meta.url), "utf8"));
const options = {
  loader: "ts",
  format: "esm",
  target: `node${process.versions.node}`,
  sourcemap: "inline",
  tsconfigRaw: { compilerOptions },
};

export async function load(url, context, nextLoad) {
  if (!url.startsWith("file:") || !url.endsWith(".ts")) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const { code } = await transform(await readFile(path, "utf8"), { ...options, sourcefile: path });
  return { format: "module", source: code, shortCircuit: true };
}
