// One pino root logger. Requests get a child carrying trace_id. API keys, prompt
// and message text are redacted by path so logs can be shipped anywhere.
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

export const redactPaths = [
  "apiKey",
  "api_key",
  "key",
  "headers['x-api-key']",
  "headers.authorization",
  "req.headers['x-api-key']",
  "req.headers.authorization",
  "message",
  "content",
  "text",
  "prompt",
  "systemPrompt",
  "messages",
  "*.apiKey",
  "*.content",
  "*.systemPrompt",
];

export function createLogger(options: { level: string; pretty?: boolean; destination?: DestinationStream }): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  const settings = {
    level: options.level,
    base: { service: "promptlab" },
    redact: { paths: redactPaths, censor: "[redacted]" },
    ...(pretty && !options.destination ? { transport: { target: "pino-pretty", options: { colorize: true } } } : {}),
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
