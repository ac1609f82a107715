// Everything a request handler may use, built once at start. Tests build their
// own with real PostgreSQL and Redis and a fake LLM upstream.
import type { Config } from "./config.ts";
import type { Database, Db } from "./db.ts";
import { Lifecycle } from "./lifecycle.ts";
import type { Logger } from "./logger.ts";
import { Authenticator } from "./services/auth.ts";
import type { ChatDeps } from "./services/chat.ts";
import { ExperimentConfigCache } from "./services/experiment-config.ts";
import { FeedbackBatchWriter } from "./services/feedback-batch-writer.ts";
import { GuardrailRunner } from "./services/guardrail-runner.ts";
import type { LlmProvider } from "./services/llm/provider.ts";
import { MessageBatchWriter } from "./services/message-batch-writer.ts";
import { RateLimiter } from "./services/rate-limiter.ts";
import type { TokenCounter } from "./services/token-counter.ts";
import { TokenBudget } from "./services/token-budget.ts";
import type { Store } from "./store/store.ts";

export const DEFAULT_EXPERIMENT_KEY = "system_prompt_style";

export interface AppDeps {
  config: Config;
  database: Database;
  db: Db;
  store: Store;
  log: Logger;
  auth: Authenticator;
  provider: LlmProvider;
  tokenCounter: TokenCounter;
  experiments: ExperimentConfigCache;
  rateLimiter: RateLimiter;
  tokenBudget: TokenBudget;
  lifecycle: Lifecycle;
  guardrails: GuardrailRunner;
  feedbackWriter: FeedbackBatchWriter;
  messageWriter: MessageBatchWriter;
}

export function createDeps(parts: {
  config: Config;
  database: Database;
  store: Store;
  log: Logger;
  provider: LlmProvider;
  tokenCounter: TokenCounter;
}): AppDeps {
  const db = parts.database.prisma;
  const experiments = new ExperimentConfigCache(db, parts.store, parts.log);
  return {
    ...parts,
    db,
    auth: new Authenticator(parts.database.pool),
    experiments,
    rateLimiter: new RateLimiter(parts.store, parts.config.RATE_LIMIT_PER_HOUR, parts.config.RATE_LIMIT_ON_STORE_FAILURE, parts.log),
    tokenBudget: new TokenBudget(parts.store, parts.config.DAILY_TOKEN_BUDGET, parts.log),
    lifecycle: new Lifecycle(),
    guardrails: new GuardrailRunner(
      { db, store: parts.store, experiments, log: parts.log },
      { intervalMs: parts.config.GUARDRAIL_INTERVAL_MS },
    ),
    feedbackWriter: new FeedbackBatchWriter(parts.database.pool, parts.log),
    messageWriter: new MessageBatchWriter(parts.database.pool, parts.log),
  };
}

export function chatDeps(deps: AppDeps, log: Logger): ChatDeps {
  return {
    db: deps.db,
    messages: deps.messageWriter,
    log,
    provider: deps.provider,
    tokenCounter: deps.tokenCounter,
    experiments: deps.experiments,
    defaultExperimentKey: DEFAULT_EXPERIMENT_KEY,
    defaultModel: deps.config.LLM_MODEL,
    maxHistoryMessages: deps.config.MAX_HISTORY_MESSAGES,
    maxOutputTokens: deps.config.MAX_OUTPUT_TOKENS,
    streamTimeoutMs: deps.config.LLM_STREAM_TIMEOUT_MS,
  };
}
