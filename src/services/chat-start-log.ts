// What every transport logs once a chat's estimate is in (with a fast model,
// after its first token): the seed's "check the logs for pre_estimated_tokens",
// beside the assignment and model the estimate was made for.
import { extended } from "../extended.ts";
import type { Logger } from "../logger.ts";
import type { PreparedChat } from "./chat.ts";
import type { TokenCountResult } from "./token-counter.ts";

export function logChatStarted(
  log: Logger,
  prepared: PreparedChat,
  estimate: TokenCountResult,
  /** The transport's own fields. */
  extra: Record<string, unknown>,
  message: string,
): void {
  // Once per chat: where info is off (the benchmarks run at warn), nothing is built.
  if (!log.isLevelEnabled("info")) return;
  const fields = {
    pre_estimated_tokens: estimate.tokens,
    estimate_source: estimate.source,
    experiment: prepared.experiment?.key,
    variant: prepared.experiment?.variant,
    prompt_version_id: prepared.experiment?.promptVersionId,
    model: prepared.model,
  };
  log.info(extended(fields, extra), message);
}
