// The group-commit queue the batch writers and the sidecar's counts share.
// Writes queue up; whenever no batch is in flight (or fewer than
// maxInFlight) the queue drains, taking as many writes as the next
// batch allows, and each write's promise settles only when its batch has.
// Nothing waits for a timer: under light load a write goes out at once, under
// load the writes that arrive during one round trip share the next.
import { ServiceUnavailableError } from "../errors.ts";

export interface PendingWrite<W, R> {
  write: W;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface GroupCommitOptions<W, R> {
  /** How many of the queued writes the next batch takes (at least one). */
  nextBatchLength(queued: readonly PendingWrite<W, R>[]): number;
  /** Writes one batch and settles every pending write in it. */
  commit(batch: PendingWrite<W, R>[]): Promise<void>;
  /** Batches written at once (default 1): more keeps one slow batch from holding up every write behind it. */
  maxInFlight?: number;
}

/**
 * How many queued writes the next batch takes: at least one, at most
 * `maxWrites`, and no more than fit in `maxSize` (a write bigger than that
 * still goes, alone), sizes as `sizeOf` measures them.
 */
export function batchWithin<W, R>(queued: readonly PendingWrite<W, R>[], maxWrites: number, maxSize: number, sizeOf: (write: W) => number): number {
  let size = 0;
  let length = 0;
  for (const pending of queued) {
    if (length >= maxWrites) break;
    size += sizeOf(pending.write);
    if (length > 0 && size > maxSize) break;
    length++;
  }
  return length;
}

export class GroupCommit<W, R> {
  private queue: PendingWrite<W, R>[] = [];
  private readonly draining = new Set<Promise<void>>();
  /** Counted before a drain starts, since a drain's first batch is taken synchronously. */
  private inFlight = 0;
  private closed = false;

  constructor(private readonly options: GroupCommitOptions<W, R>) {}

  submit(write: W): Promise<R> {
    if (this.closed) return Promise.reject(new ServiceUnavailableError("The server is shutting down; try again."));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      this.startDraining();
    });
  }

  /** Stops taking writes and waits until every accepted one is written. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining.size > 0) await Promise.all(this.draining);
  }

  private startDraining(): void {
    if (this.inFlight >= (this.options.maxInFlight ?? 1)) return;
    this.inFlight++;
    const draining = this.drain().finally(() => {
      this.inFlight--;
      this.draining.delete(draining);
      // A write that arrived after the loop's last look but before this callback would otherwise wait forever.
      if (this.queue.length > 0) this.startDraining();
    });
    this.draining.add(draining);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, Math.max(1, this.options.nextBatchLength(this.queue)));
      try {
        await this.options.commit(batch);
      } catch (error) {
        // commit settles its writes; this only guards against one that threw instead.
        for (const pending of batch) pending.reject(error);
      }
    }
  }
}
