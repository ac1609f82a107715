// What an open stream costs on the heap, by kind of object: the difference
// between two V8 heap snapshots (bench:streams -- --heap-snapshot writes one at
// idle and one at the plateau), grouped by constructor or node type, divided
// by the number of streams. Allocation-site detail stays in Chrome DevTools;
// this answers "which objects, how many per stream" in one command.
//
//   npx tsx bench/heap-diff.ts bench/results/streams-1000-idle.heapsnapshot.tmp \
//     bench/results/streams-1000.heapsnapshot.tmp --per=1000 [--top=40]
import { readFileSync } from "node:fs";
import { flags, isMain } from "./lib/results.ts";

interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  group: string;
  count: number;
  bytes: number;
}

/** Self sizes per group. Strings and compiled code count as one group each; they have no constructor. */
export function groupHeap(snapshot: HeapSnapshotFile): Map<string, HeapGroup> {
  const { node_fields: fields, node_types: nodeTypes } = snapshot.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const typeNames = nodeTypes[0];
  const groups = new Map<string, HeapGroup>();
  for (let offset = 0; offset < snapshot.nodes.length; offset += width) {
    const type = typeNames[snapshot.nodes[offset + typeAt]!]!;
    const name = snapshot.strings[snapshot.nodes[offset + nameAt]!]!;
    const group = type.endsWith("string") || type === "code" || type === "number" ? `(${type})` : `${type}: ${name.slice(0, 80)}`;
    const entry = groups.get(group) ?? { group, count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snapshot.nodes[offset + sizeAt]!;
    groups.set(group, entry);
  }
  return groups;
}

export function diffHeaps(before: Map<string, HeapGroup>, after: Map<string, HeapGroup>): HeapGroup[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .map((group) => ({
      group,
      count: (after.get(group)?.count ?? 0) - (before.get(group)?.count ?? 0),
      bytes: (after.get(group)?.bytes ?? 0) - (before.get(group)?.bytes ?? 0),
    }))
    .sort((a, b) => b.bytes - a.bytes);
}

if (isMain(import.meta.url)) {
  const f = flags();
  const [beforeFile, afterFile] = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
  if (!beforeFile || !afterFile) throw new Error("usage: heap-diff.ts <before.heapsnapshot> <after.heapsnapshot> [--per=N] [--top=N]");
  const per = Number(f.per ?? 1);
  const top = Number(f.top ?? 40);
  const load = (file: string) => groupHeap(JSON.parse(readFileSync(file, "utf8")) as HeapSnapshotFile);
  const rows = diffHeaps(load(beforeFile), load(afterFile));
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  const line = (bytes: string, count: string, group: string) => `${bytes.padStart(12)} ${count.padStart(9)}  ${group}`;
  process.stdout.write(`${line(per === 1 ? "bytes" : "bytes/each", per === 1 ? "count" : "count/each", "group")}\n`);
  for (const row of rows.slice(0, top)) {
    process.stdout.write(`${line((row.bytes / per).toFixed(0), (row.count / per).toFixed(2), row.group)}\n`);
  }
  process.stdout.write(`${line((total / per).toFixed(0), "", "total self size difference (JS heap and native nodes)")}\n`);
}
