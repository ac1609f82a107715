// Everything a request handler may use, built once at start. Tests build their
// own with real PostgreSQL and Redis and a fake LLM upstream.
import type { Config } from "./config.ts";
import type { Database, Db } from "./db.ts";
import type { Logger } from "./logger.ts";
import { Authenticator } from "./services/auth.ts";
import type { ChatDeps } from "./services/chat.ts";
import { ExperimentConfigCache } from "./services/experiment-config.ts";
import type { LlmProvider } from "./services/llm/provider.ts";
import type { TokenCounter } from "./services/token-counter.ts";
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
  return {
    ...parts,
    db,
    auth: new Authenticator(db),
    experiments: new ExperimentConfigCache(db, parts.store, parts.log),
  };
}

export function chatDeps(deps: AppDeps, log: Logger): ChatDeps {
  return {
    db: deps.db,
    log,
    provider: deps.provider,
    tokenCounter: deps.tokenCounter,
    experiments: deps.experiments,
    defaultExperimentKey: DEFAULT_EXPERIMENT_KEY,
    defaultModel: deps.config.LLM_MODEL,
    maxHistoryMessages: deps.config.MAX_HISTORY_MESSAGES,
    streamTimeoutMs: deps.config.LLM_STREAM_TIMEOUT_MS,
  };
}
