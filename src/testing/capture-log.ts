// A real pino logger whose JSON lines a test can read, to assert on alert events.
import { pino } from "pino";
import type { Logger } from "../logger.ts";

export function captureLog(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}
