// Stores chat messages in batches ("group commit"), so concurrent chats share
// database round trips instead of paying four each (BEGIN, conversation,
// messages, COMMIT) before streaming and one more after it. The benchmarks'
// CPU profiles showed writes to PostgreSQL as the largest single cost per chat.
//
// Nothing waits for a timer: a write arriving while no batch is in flight is
// written at once; writes arriving while one is in flight form the next batch
// (up to MESSAGE_BATCH_SIZE). Each caller's promise settles only when the
// batch holding its rows has committed, so "stored before `done`" holds
// exactly.
//
// A batch is one SQL statement (new conversations and touched ones in CTEs,
// then every message row), atomic without BEGIN and COMMIT, and always the
// same statement, prepared once per connection. It is plain SQL
// because Prisma's createMany cost ~0.2 ms of CPU per row in this process, and
// it goes straight to the pg pool Prisma shares: Prisma's raw-query path was
// still ~7% of the server's CPU in the latency benchmark's profile. If a
// batch fails, each write is retried on its own, so one bad write (a
// conversation deleted meanwhile) fails only its own chat.
import type pg from "pg";
import type { Prisma } from "../db.ts";
import type { Logger } from "../logger.ts";
import { batchWithin, GroupCommit, type PendingWrite } from "./group-commit.ts";

export const MESSAGE_BATCH_SIZE = 200;
/**
 * Characters of message text per batch: building and sending a statement
 * blocks the event loop in proportion to its size (200 one-minute answers of
 * 100 KB blocked it for over 200 ms), so long answers go in smaller batches.
 */
export const MESSAGE_BATCH_CHARS = 1_000_000;

export type MessageRow = Prisma.MessageCreateManyInput;

export interface MessageWrite {
  /** A conversation to create first, or an existing one whose updatedAt moves on. */
  conversation?: { create: { id: string; userId: string; title: string } } | { touch: string };
  messages: MessageRow[];
}

/** A write as queued: with the time it was accepted, which rows without their own createdAt get. */
interface AcceptedWrite extends MessageWrite {
  acceptedAt: Date;
}

function charsOf(write: MessageWrite): number {
  let chars = 0;
  for (const row of write.messages) chars += row.content.length;
  return chars;
}

export class MessageBatchWriter {
  private readonly queue: GroupCommit<AcceptedWrite, void>;
  /** For tests and benchmarks: how many transactions wrote how many writes. */
  readonly counters = { batches: 0, writes: 0 };

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
    private readonly batchSize = MESSAGE_BATCH_SIZE,
  ) {
    this.queue = new GroupCommit({
      nextBatchLength: (queued) => batchWithin(queued, this.batchSize, MESSAGE_BATCH_CHARS, charsOf),
      commit: (batch) => this.commit(batch),
    });
  }

  /** Resolves once the rows are committed. */
  write(write: MessageWrite): Promise<void> {
    // Stamped now, not by the batch's transaction (whose now() every row in it
    // would share), so messages keep the order in which chats asked to store them.
    // The rows are not copied with the time added ({ ...row, createdAt }): in
    // Node 20 a literal that spreads and then adds a key gets hidden classes
    // of its own per call, old-generation garbage (docs/BENCHMARKS.md, item
    // 39), and Object.assign instead turns rows this wide into dictionaries.
    return this.queue.submit({ conversation: write.conversation, messages: write.messages, acceptedAt: new Date() });
  }

  /** Stops taking writes and waits until every accepted one is written. */
  close(): Promise<void> {
    return this.queue.close();
  }

  private async commit(batch: PendingWrite<AcceptedWrite, void>[]): Promise<void> {
    try {
      await this.writeBatch(batch.map((pending) => pending.write));
      for (const pending of batch) pending.resolve();
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      this.log.warn({ err: error, writes: batch.length }, "message batch failed; writing its parts one by one");
      for (const pending of batch) {
        await this.writeBatch([pending.write]).then(pending.resolve, pending.reject);
      }
    }
  }

  private async writeBatch(writes: AcceptedWrite[]): Promise<void> {
    const query = { name: MESSAGE_BATCH_STATEMENT_NAME, text: MESSAGE_BATCH_SQL, values: messageBatchValues(writes) };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.pool.query(query);
        break;
      } catch (error) {
        // A prepared statement keeps the types it was planned with: after a
        // migration that recreates one (Prisma does so to drop an enum value)
        // it fails on every connection that prepared it. The pool closes a
        // connection whose query failed, so the batch goes again on another,
        // at most once per pooled connection, instead of failing its chats.
        if (!isStalePreparedStatement(error) || attempt > (this.pool.options.max ?? 10)) throw error;
        this.log.warn({ err: error, attempt }, "message batch statement was prepared against an older schema; writing it on another connection");
      }
    }
    this.counters.batches++;
    this.counters.writes += writes.length;
  }
}

/**
 * Every column a message row may set: the SQL type its values are cast to and,
 * where the column has one, its default exactly as PostgreSQL reports it
 * (information_schema.columns.column_default), which a row that leaves the
 * field out gets. A test holds both to the migrated schema. Typed against
 * Prisma's own input type, so a field added to the Message model fails to
 * compile here until it is added, instead of being dropped.
 */
export const MESSAGE_COLUMNS: Record<keyof MessageRow, { column: string; type: string; default?: string }> = {
  id: { column: "id", type: "uuid" },
  conversationId: { column: "conversation_id", type: "uuid" },
  role: { column: "role", type: '"MessageRole"' },
  content: { column: "content", type: "text" },
  status: { column: "status", type: '"MessageStatus"', default: `'complete'::"MessageStatus"` },
  provider: { column: "provider", type: "text" },
  model: { column: "model", type: "text" },
  fallback: { column: "fallback", type: "boolean", default: "false" },
  tokensIn: { column: "tokens_in", type: "int" },
  tokensOut: { column: "tokens_out", type: "int" },
  preEstimatedTokens: { column: "pre_estimated_tokens", type: "int" },
  estimateSource: { column: "estimate_source", type: '"EstimateSource"' },
  latencyMs: { column: "latency_ms", type: "int" },
  timeToFirstTokenMs: { column: "time_to_first_token_ms", type: "int" },
  costUsd: { column: "cost_usd", type: "numeric" },
  experimentKey: { column: "experiment_key", type: "text" },
  variant: { column: "variant", type: "text" },
  promptVersionId: { column: "prompt_version_id", type: "uuid" },
  traceId: { column: "trace_id", type: "text" },
  errorCode: { column: "error_code", type: "text" },
  assignmentUnit: { column: "assignment_unit", type: "text" },
  createdAt: { column: "created_at", type: "timestamptz", default: "CURRENT_TIMESTAMP" },
};

const MESSAGE_FIELDS = Object.keys(MESSAGE_COLUMNS) as Array<keyof MessageRow>;
/** The conversations' three arrays and the touched ids come first, then one array per message column. */
const FIRST_MESSAGE_PARAMETER = 5;

/**
 * One statement text for every batch, whatever its size or the columns its
 * rows set: each row's values travel as one array per column, unnested back
 * into rows. So the pool's connections parse and plan it once each, as a
 * named prepared statement, instead of once per batch shape. One statement,
 * however many chats: the conversations it creates are visible to the
 * messages' foreign keys, which PostgreSQL checks at its end.
 */
const MESSAGE_BATCH_SQL = `WITH created AS (
  INSERT INTO conversations (id, user_id, title) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])
), touched AS (
  UPDATE conversations SET updated_at = now() WHERE id = ANY($4::uuid[])
)
INSERT INTO messages (${MESSAGE_FIELDS.map((field) => MESSAGE_COLUMNS[field].column).join(", ")})
SELECT ${MESSAGE_FIELDS.map((field) => {
  const { column, default: fallback } = MESSAGE_COLUMNS[field];
  return fallback === undefined ? column : `COALESCE(${column}, ${fallback})`;
}).join(", ")}
FROM unnest(${MESSAGE_FIELDS.map((field, index) => `$${FIRST_MESSAGE_PARAMETER + index}::${MESSAGE_COLUMNS[field].type}[]`).join(", ")})
  AS row(${MESSAGE_FIELDS.map((field) => MESSAGE_COLUMNS[field].column).join(", ")})`;

const MESSAGE_BATCH_STATEMENT_NAME = "promptlab_message_batch";

/**
 * PostgreSQL's answers to a prepared statement whose types changed under it:
 * "cached plan must not change result type" (0A000), "cache lookup failed for
 * type" (XX000), or the statement gone (26000).
 */
const STALE_PREPARED_STATEMENT_CODES = new Set(["0A000", "XX000", "26000"]);

function isStalePreparedStatement(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && STALE_PREPARED_STATEMENT_CODES.has(code);
}

/** The statement's parameters for a batch: a field a row leaves out is null, which the statement turns into the column's default. */
function messageBatchValues(writes: readonly AcceptedWrite[]): unknown[] {
  const created: Array<{ id: string; userId: string; title: string }> = [];
  const touched: string[] = [];
  const rows: MessageRow[] = [];
  const acceptedAts: Date[] = [];
  for (const write of writes) {
    if (write.conversation && "create" in write.conversation) created.push(write.conversation.create);
    else if (write.conversation) touched.push(write.conversation.touch);
    for (const row of write.messages) {
      for (const field in row) {
        if (!(field in MESSAGE_COLUMNS)) throw new Error(`message field "${field}" has no column in MESSAGE_COLUMNS`);
      }
      rows.push(row);
      acceptedAts.push(write.acceptedAt);
    }
  }
  const columns = MESSAGE_FIELDS.map((field) =>
    rows.map((row, index) => {
      const value = field === "createdAt" ? row.createdAt || acceptedAts[index] : row[field];
      if (value === undefined || value === null) return null;
      // A Prisma Decimal goes as its exact text.
      return value instanceof Date || typeof value !== "object" ? value : String(value);
    }),
  );
  return [created.map((c) => c.id), created.map((c) => c.userId), created.map((c) => c.title), touched, ...columns];
}
