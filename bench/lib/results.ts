// Where benchmark results go: bench/results/<name>.json, each stamped with the
// date, the machine and the command, so a figure is never read without them.
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const RESULTS_DIR = path.join(ROOT, "bench/results");

export function machine() {
  return {
    nproc: os.availableParallelism(),
    cpu_model: os.cpus()[0]?.model ?? "unknown",
    memory_gib: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    load_average_at_start: os.loadavg().map((value) => Number(value.toFixed(2))),
    shared: "a shared 2-core machine: PostgreSQL, Redis, other engineers' test suites, the sidecar, the fake upstream and the load generator all run on it",
  };
}

/** Writes bench/results/<name>.json, or <name>.tmp (git-ignored) when run with --scratch. */
export async function writeResult(name: string, result: object): Promise<string> {
  const file = path.join(RESULTS_DIR, `${name}.${flags().scratch ? "tmp" : "json"}`);
  await mkdir(path.dirname(file), { recursive: true });
  const document = {
    benchmark: name,
    date: new Date().toISOString(),
    command: `npm run bench:${name}${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
    machine: machine(),
    ...result,
  };
  await writeFile(file, `${JSON.stringify(document, null, 2)}\n`);
  return file;
}

/** True when this module is the script node was started with (not imported by a test). */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && pathToFileURL(path.resolve(process.argv[1])).href === moduleUrl;
}

/** `--name=value` flags, with numbers parsed. */
export function flags(argv: readonly string[] = process.argv.slice(2)): Record<string, string | number | boolean> {
  const parsed: Record<string, string | number | boolean> = {};
  for (const arg of argv) {
    const match = /^--([\w-]+)(?:=(.*))?$/.exec(arg);
    if (!match) continue;
    const value = match[2];
    parsed[match[1]!] = value === undefined ? true : value !== "" && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return parsed;
}

export function numberList(value: string | number | boolean | undefined, fallback: number[]): number[] {
  if (value === undefined || typeof value === "boolean") return fallback;
  return String(value).split(",").map(Number);
}
