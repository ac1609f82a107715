// Bundle budget: sums the gzipped size of every JavaScript file the client
// build produced, prints it, and fails the build above the budget (200 KB),
// so a heavy dependency cannot slip in unnoticed.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ASSETS_DIR = fileURLToPath(new URL("../dist/client/assets", import.meta.url));
const BUDGET_BYTES = 200 * 1024;

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const files = (await readdir(ASSETS_DIR)).filter((name) => name.endsWith(".js"));
if (files.length === 0) {
  console.error(`No JavaScript in ${ASSETS_DIR}: did the client build run?`);
  process.exit(1);
}
let total = 0;
for (const name of files) {
  const gzipped = gzipSync(await readFile(path.join(ASSETS_DIR, name)), { level: 9 }).length;
  total += gzipped;
  console.log(`  ${name.padEnd(36)} ${kb(gzipped).padStart(10)} gzipped`);
}
console.log(`Client JavaScript: ${kb(total)} gzipped (budget ${kb(BUDGET_BYTES)})`);
if (total > BUDGET_BYTES) {
  console.error(`Over budget by ${kb(total - BUDGET_BYTES)}.`);
  process.exit(1);
}
