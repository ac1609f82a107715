// What every transport does once an answer has ended, whatever its status:
// charge the user's token budget with what the answer actually used and log
// the outcome with its figures (the seed's per-call tokens, latency and cost).
import type { Logger } from "../logger.ts";
import type { ChatOutcome } from "./chat.ts";
import type { BudgetedUser, TokenBudget } from "./token-budget.ts";

export async function settleChat(
  tokenBudget: TokenBudget,
  user: BudgetedUser,
  outcome: ChatOutcome,
  log: Logger,
  message: string,
): Promise<void> {
  await tokenBudget.charge(user, outcome.tokensIn + outcome.tokensOut);
  log.info(
    {
      message_id: outcome.messageId,
      status: outcome.status,
      provider: outcome.provider,
      fallback: outcome.fallback,
      tokens_in: outcome.tokensIn,
      tokens_out: outcome.tokensOut,
      latency_ms: outcome.latencyMs,
      ttft_ms: outcome.timeToFirstTokenMs,
      cost_usd: outcome.costUsd,
    },
    message,
  );
}
