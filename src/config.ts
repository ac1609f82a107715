// The one place that reads process.env. Parsed once at start; a bad value stops
// the process with every offending field listed, never a half-configured server.
import { z } from "zod";

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

const booleanFlag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((value) => value === "true" || value === "1");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("0.0.0.0"),
  PORT: port.default(8000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATABASE_POOL_SIZE: positiveInt.default(10),
  /** Longest wait for a pooled connection before answering 503. */
  DATABASE_POOL_TIMEOUT_MS: positiveInt.default(3_000),
  /** Where the embedded PostgreSQL keeps its data when DATABASE_URL is unset. */
  DATA_DIR: z.string().default(".promptlab"),
  EMBEDDED_PG_PORT: port.default(54329),

  REDIS_URL: optionalString.pipe(z.url({ protocol: /^rediss?$/ }).optional()),
  REDIS_KEY_PREFIX: z.string().default(""),

  OPENAI_API_KEY: optionalString,
  LLM_BASE_URL: optionalString.pipe(z.url().optional()),
  LLM_MODEL: z.string().default("gpt-4o-mini"),
  LLM_PROVIDER_NAME: z.string().min(1).default("openai"),
  /** HTTP/2 to the provider (ALPN over https, h2c over http): open streams share connections. */
  LLM_HTTP2: booleanFlag,
  LLM_FIRST_TOKEN_TIMEOUT_MS: positiveInt.default(30_000),
  LLM_STREAM_TIMEOUT_MS: positiveInt.default(300_000),
  /** Attempts per provider before failing over, counting the first. */
  LLM_MAX_ATTEMPTS: positiveInt.default(2),
  LLM_BREAKER_FAILURES: positiveInt.default(5),
  LLM_BREAKER_COOLDOWN_MS: positiveInt.default(10_000),
  /** A secondary OpenAI-compatible provider to fail over to. */
  LLM_FALLBACK_BASE_URL: optionalString.pipe(z.url().optional()),
  LLM_FALLBACK_API_KEY: optionalString,
  LLM_FALLBACK_MODEL: optionalString,
  LLM_FALLBACK_NAME: z.string().min(1).default("fallback"),
  LLM_FALLBACK_HTTP2: booleanFlag,

  /** Unset: `npm start` runs the sidecar itself on SIDECAR_PORT. */
  SIDECAR_URL: optionalString.pipe(z.url().optional()),
  SIDECAR_PORT: port.default(3001),
  SIDECAR_TIMEOUT_MS: positiveInt.default(150),
  SIDECAR_DISABLED: booleanFlag,

  RATE_LIMIT_PER_HOUR: positiveInt.default(100),
  /** When Redis fails: count in-process (the seed's choice) or refuse chats with 503. */
  RATE_LIMIT_ON_STORE_FAILURE: z.enum(["fallback", "fail_closed"]).default("fallback"),
  /** Tokens per user per UTC day; 0 turns budgets off. Users can override it. */
  DAILY_TOKEN_BUDGET: z.coerce.number().int().min(0).default(0),
  /** Upper bound on max_tokens sent upstream, whatever a prompt version asks for. */
  MAX_OUTPUT_TOKENS: positiveInt.default(4_096),
  MAX_MESSAGE_CHARS: positiveInt.default(32_000),
  MAX_BODY_BYTES: positiveInt.default(2_097_152),
  MAX_HISTORY_MESSAGES: positiveInt.default(20),

  /** Key for the seeded admin user; when unset, setup prints a generated one once. */
  ADMIN_API_KEY: optionalString,
  CORS_ORIGINS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((origin) => origin.trim()).filter(Boolean)),
  /** On SIGTERM, how long running chat streams may take to finish. */
  SHUTDOWN_DEADLINE_MS: positiveInt.default(10_000),
  /** Serve the built React client from this folder. */
  CLIENT_DIST_DIR: z.string().default("dist/client"),
  /** How often the guardrails are checked (they also run soon after feedback). */
  GUARDRAIL_INTERVAL_MS: positiveInt.default(30_000),
});

export type Config = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`),
    );
  }
  return result.data;
}

/** The LLM is the real OpenAI-compatible provider only when one is configured. */
export function usesSimulator(config: Config): boolean {
  return !config.OPENAI_API_KEY && !config.LLM_BASE_URL;
}

export function loadConfig(): Config {
  return parseConfig(process.env);
}
