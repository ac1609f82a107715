// Writes ratings to PostgreSQL in batches, and acknowledges each rating only
// after the batch holding it has committed ("group commit").
//
// Why write before acknowledging, rather than journal in Redis and write later:
// - A 200 must mean the rating survives anything. A PostgreSQL commit is fsynced;
//   a Redis journal is only as durable as Redis's own persistence (none, or
//   RDB snapshots, by default; AOF "everysec" still loses up to a second), and
//   the embedded default has no Redis at all, so the journal would live in the
//   very process whose death we must survive.
// - Read-your-writes: a rating is in `feedback` and in the stats as soon as it is
//   acknowledged (the REST and tRPC contracts already promise this); no reader
//   ever has to merge a journal.
// - The batching the seed asks for still happens where it pays: under load,
//   ratings that arrive while one batch is being written form the next (up to
//   100 per INSERT), so a burst costs one statement per hundred ratings. With
//   one rating at a time, nothing waits for a timer: it is written at once, so
//   a rating waits for the batch in flight and its own, not for 100 ms.
// The cost is that feedback needs PostgreSQL to be up, which checking that the
// message is the rater's needs anyway.
//
// The ownership check is part of the same statement: a rating counts only if
// its message is an assistant message in one of the rater's conversations;
// otherwise it is rejected with 404 before anything is acknowledged. One round
// trip per batch for check and write is what lets a single instance absorb a
// burst of thousands of ratings a second.
//
// One batch is in flight at a time per process, so ratings for the same
// (message, user) commit in arrival order: the last acknowledged one wins.
// Across processes, row locks order them and rows are locked in key order, so
// concurrent batches cannot deadlock.
import type pg from "pg";
import { NotFoundError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { GroupCommit, type PendingWrite } from "./group-commit.ts";

export const FEEDBACK_BATCH_SIZE = 100;

export interface RatingWrite {
  messageId: string;
  userId: string;
  rating: 1 | -1;
}

export interface RatingOutcome {
  /** The rating this write replaced; null when it is the first. */
  previous: 1 | -1 | null;
}

interface WrittenRow {
  message_id: string;
  user_id: string;
  previous: number | null;
}

// Sent as a named prepared statement on raw pg, not through Prisma: it runs
// thousands of times a second, so each connection parses and plans it once, and
// the server skips Prisma's query interpretation per batch.
//
// Each rating's ownership and previous value are looked up row by row through
// the primary key and the (message_id, user_id) unique index, in a LATERAL
// subquery that OFFSET 0 keeps from being flattened into a join. Left to
// itself the planner hash-joins the batch against a seq scan of messages
// whenever the table looks small next to a batch (tens of thousands of rows),
// and then re-runs the previous-value join once per written row: that cost
// ~3x more PostgreSQL time per rating than these index probes.
// `previous` reads the snapshot from before the INSERT (all parts of one
// statement share it), so it holds the ratings being replaced.
const WRITE_BATCH_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::smallint[]) WITH ORDINALITY AS x(message_id, user_id, rating, position)
  ), owned AS (
    SELECT x.message_id, x.user_id, x.rating, x.position, mine.previous
      FROM input x
      CROSS JOIN LATERAL (
        SELECT (SELECT f.rating FROM feedback f WHERE f.message_id = x.message_id AND f.user_id = x.user_id) AS previous
          FROM messages m JOIN conversations c ON c.id = m.conversation_id
         WHERE m.id = x.message_id AND m.role = 'assistant' AND c.user_id = x.user_id
        OFFSET 0
      ) AS mine
  ), written AS (
    INSERT INTO feedback (id, message_id, user_id, rating)
    SELECT gen_random_uuid(), message_id, user_id, rating FROM owned ORDER BY position
    ON CONFLICT (message_id, user_id) DO UPDATE
       SET rating = excluded.rating,
           updated_at = CASE WHEN feedback.rating = excluded.rating THEN feedback.updated_at ELSE now() END
    RETURNING message_id, user_id
  )
  SELECT w.message_id::text AS message_id, w.user_id::text AS user_id, o.previous::int AS previous
    FROM written w JOIN owned o ON o.message_id = w.message_id AND o.user_id = w.user_id`;

// Lower-cased like PostgreSQL's uuid::text, which the written rows are matched by:
// a client may send a message id in upper case.
function keyOf(write: { messageId: string; userId: string }): string {
  return `${write.messageId}:${write.userId}`.toLowerCase();
}

export class FeedbackBatchWriter {
  private readonly queue: GroupCommit<RatingWrite, RatingOutcome>;
  /** For tests and benchmarks: how many statements wrote how many ratings. */
  readonly counters = { batches: 0, ratings: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
    batchSize = FEEDBACK_BATCH_SIZE,
  ) {
    this.queue = new GroupCommit({ nextBatchLength: () => batchSize, commit: (batch) => this.commit(batch) });
  }

  /**
   * Resolves once the rating is committed. Rejects with NotFoundError when the
   * message is not one of the user's assistant messages (or no longer exists).
   */
  write(write: RatingWrite): Promise<RatingOutcome> {
    return this.queue.submit(write);
  }

  /** Stops taking ratings and waits until every accepted one is written. */
  close(): Promise<void> {
    return this.queue.close();
  }

  private async commit(batch: PendingWrite<RatingWrite, RatingOutcome>[]): Promise<void> {
    try {
      const written = await this.writeBatch(batch.map((pending) => pending.write));
      // Within a batch, each write replaced the one before it for the same key.
      const previousByKey = new Map<string, 1 | -1 | null>();
      for (const pending of batch) {
        const key = keyOf(pending.write);
        if (!written.has(key)) {
          pending.reject(new NotFoundError("No such message."));
          continue;
        }
        const previous = previousByKey.has(key) ? previousByKey.get(key)! : written.get(key)!;
        previousByKey.set(key, pending.write.rating);
        pending.resolve({ previous });
      }
    } catch (error) {
      this.log.error({ err: error, ratings: batch.length }, "feedback batch failed; its ratings were not acknowledged");
      for (const pending of batch) pending.reject(error);
    }
  }

  /** One statement for the batch; returns, per written key, the rating it had before. */
  private async writeBatch(writes: RatingWrite[]): Promise<Map<string, 1 | -1 | null>> {
    // The last rating per key wins within a batch (one statement cannot update a row twice).
    const latest = new Map<string, RatingWrite>();
    for (const write of writes) latest.set(keyOf(write), write);
    const rows = [...latest.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
    const { rows: written } = await this.pool.query<WrittenRow>({
      name: "feedback-batch-write",
      text: WRITE_BATCH_SQL,
      values: [rows.map((r) => r.messageId), rows.map((r) => r.userId), rows.map((r) => r.rating)],
    });
    this.counters.batches += 1;
    this.counters.ratings += written.length;
    return new Map(
      written.map((row) => [`${row.message_id}:${row.user_id}`, row.previous === null ? null : (row.previous as 1 | -1)]),
    );
  }
}
