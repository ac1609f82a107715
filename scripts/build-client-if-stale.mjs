// `npm start`'s prestart step: builds the client only when dist/client is
// missing or older than anything under client/ (end-to-end specs aside) or the
// Vite config, so a fresh clone shows the UI and a normal restart stays fast.
import { spawnSync } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUILT_INDEX = path.join(ROOT, "dist/client/index.html");
const IGNORED = new Set(["e2e", "playwright.config.ts"]);

async function newestSourceTime(dir) {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (IGNORED.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    const time = entry.isDirectory() ? await newestSourceTime(full) : (await stat(full)).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

async function builtTime() {
  try {
    return (await stat(BUILT_INDEX)).mtimeMs;
  } catch {
    return null;
  }
}

const built = await builtTime();
const sources = Math.max(
  await newestSourceTime(path.join(ROOT, "client")),
  (await stat(path.join(ROOT, "vite.config.ts"))).mtimeMs,
);
if (built !== null && built >= sources) process.exit(0);

console.log(built === null ? "Building the web client (first start)…" : "Client sources changed: rebuilding the web client…");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const result = spawnSync(npm, ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
process.exit(result.status ?? 1);
