// A line diff between two prompt texts for the version history's diff view,
// computed by jsdiff (the `diff` package) and numbered like a unified diff.
import { diffLines } from "diff";

export interface DiffLine {
  kind: "context" | "added" | "removed";
  text: string;
  /** 1-based line in the older text; null for added lines. */
  oldLine: number | null;
  /** 1-based line in the newer text; null for removed lines. */
  newLine: number | null;
}

export interface LineDiff {
  lines: DiffLine[];
  added: number;
  removed: number;
}

/** Both texts end in a newline, so "last line" and "last line\n" compare equal. */
const withFinalNewline = (text: string) => (text === "" || text.endsWith("\n") ? text : `${text}\n`);

export function lineDiff(older: string, newer: string): LineDiff {
  const changes = diffLines(withFinalNewline(older), withFinalNewline(newer), { oneChangePerToken: true });
  const lines: DiffLine[] = [];
  let oldLine = 0;
  let newLine = 0;
  for (const change of changes) {
    const text = change.value.replace(/\r?\n$/, "");
    if (change.added) lines.push({ kind: "added", text, oldLine: null, newLine: ++newLine });
    else if (change.removed) lines.push({ kind: "removed", text, oldLine: ++oldLine, newLine: null });
    else lines.push({ kind: "context", text, oldLine: ++oldLine, newLine: ++newLine });
  }
  return {
    lines,
    added: lines.filter((line) => line.kind === "added").length,
    removed: lines.filter((line) => line.kind === "removed").length,
  };
}

/** Parameters as stable, pretty JSON (keys sorted), so they diff line by line. */
export function parametersText(parameters: unknown): string {
  const sorted = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sorted);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, inner]) => [key, sorted(inner)]),
      );
    }
    return value;
  };
  return JSON.stringify(sorted(parameters ?? {}), null, 2);
}
