// Per-user daily token budget (input + output tokens per UTC day), so one key
// cannot run up an unbounded bill. Checked before a chat, charged after it with
// what the answer actually used. 0 means no budget.
import { AppError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";

export class BudgetExhaustedError extends AppError {
  readonly status = 429;
  readonly code = "budget_exhausted";
  constructor(budget: number, resetAt: Date) {
    super(`Daily token budget of ${budget} tokens is spent; it resets at ${resetAt.toISOString()}.`);
    const seconds = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000));
    this.headers["Retry-After"] = String(seconds);
  }
}

export interface BudgetedUser {
  id: string;
  dailyTokenBudget: number | null;
}

function dayKey(userId: string, now: Date): string {
  return `token_budget:${userId}:${now.toISOString().slice(0, 10).replace(/-/g, "")}`;
}

function nextUtcMidnight(now: Date): Date {
  const next = new Date(now);
  next.setUTCHours(24, 0, 0, 0);
  return next;
}

export class TokenBudget {
  constructor(
    private readonly store: Store,
    private readonly defaultBudget: number,
    private readonly log: Logger,
  ) {}

  budgetFor(user: BudgetedUser): number {
    return user.dailyTokenBudget ?? this.defaultBudget;
  }

  async assertAvailable(user: BudgetedUser, now: Date = new Date()): Promise<void> {
    const budget = this.budgetFor(user);
    if (budget <= 0) return;
    let used: number;
    try {
      used = Number((await this.store.get(dayKey(user.id, now))) ?? 0);
    } catch (error) {
      // Budgets protect spend, not availability: with the store down, serve and say so.
      this.log.warn({ event: "token_budget_unchecked", user_id: user.id, err: error }, "token budget not checked: store unavailable");
      return;
    }
    if (used >= budget) throw new BudgetExhaustedError(budget, nextUtcMidnight(now));
  }

  async charge(user: BudgetedUser, tokens: number, now: Date = new Date()): Promise<void> {
    if (this.budgetFor(user) <= 0 || tokens <= 0) return;
    try {
      await this.store.incrementWithExpiry(dayKey(user.id, now), 2 * 86_400, tokens);
    } catch (error) {
      this.log.warn({ event: "token_budget_uncharged", user_id: user.id, tokens, err: error }, "token budget not charged: store unavailable");
    }
  }
}
