// How long the rate limiter waits for the shared store before its failure
// policy applies: one deadline, raced against one answer (withStoreTimeout) or
// against several in turn (a chat waiting for lease claims).
export class StoreTimeoutError extends Error {}

export interface StoreDeadline {
  /** Rejects with StoreTimeoutError once `ms` have passed, unless cancelled first. */
  readonly expired: Promise<never>;
  cancel(): void;
}

export function storeDeadline(ms: number): StoreDeadline {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(`store did not answer within ${ms} ms`)), ms);
  });
  return { expired, cancel: () => clearTimeout(timer) };
}

export function withStoreTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  const deadline = storeDeadline(ms);
  return Promise.race([work, deadline.expired]).finally(deadline.cancel);
}
