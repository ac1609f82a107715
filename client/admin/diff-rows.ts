// A line diff (context, removed, added, in order) laid out side by side: each
// run of removed lines is paired with the run of added lines after it, so a
// changed line sits beside its replacement and pure additions or removals
// leave the other side blank.
import type { RouterOutputs } from "../api/trpc.ts";

export type DiffLine = RouterOutputs["admin"]["prompts"]["diff"]["systemPrompt"]["lines"][number];

export interface SideBySideRow {
  old: { line: number; text: string; kind: "context" | "removed" } | null;
  new: { line: number; text: string; kind: "context" | "added" } | null;
}

export function sideBySide(lines: readonly DiffLine[]): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (line.kind === "context") {
      rows.push({ old: { line: line.oldLine ?? 0, text: line.text, kind: "context" }, new: { line: line.newLine ?? 0, text: line.text, kind: "context" } });
      index++;
      continue;
    }
    const removed: DiffLine[] = [];
    const added: DiffLine[] = [];
    while (lines[index]?.kind === "removed") removed.push(lines[index++]!);
    while (lines[index]?.kind === "added") added.push(lines[index++]!);
    for (let i = 0; i < Math.max(removed.length, added.length); i++) {
      const gone = removed[i];
      const come = added[i];
      rows.push({
        old: gone ? { line: gone.oldLine ?? 0, text: gone.text, kind: "removed" } : null,
        new: come ? { line: come.newLine ?? 0, text: come.text, kind: "added" } : null,
      });
    }
  }
  return rows;
}
