// The audit log: who did what, when, to which entity, before and after, and why.
// Rows are written only inside the transaction of the change they describe
// (src/services/experiment-change.ts), so a change and its record commit or
// vanish together. A null actor is the system itself (the guardrail runner).
import { z } from "zod";
import { parseInput } from "../http/validation.ts";
import { Prisma, type Db } from "../db.ts";

export type Tx = Prisma.TransactionClient;

export interface AuditEntry {
  actorId: string | null;
  action: string;
  entityType: "experiment" | "variant" | "prompt_version";
  entityId: string;
  experimentId: string | null;
  before: Prisma.InputJsonValue | null;
  after: Prisma.InputJsonValue | null;
  reason: string | null;
}

export async function recordAudit(tx: Tx, entry: AuditEntry): Promise<string> {
  const row = await tx.auditLog.create({
    data: {
      ...entry,
      before: entry.before ?? Prisma.DbNull,
      after: entry.after ?? Prisma.DbNull,
    },
    select: { id: true },
  });
  return row.id;
}

export const auditSearchSchema = z.strictObject({
  experimentId: z.uuid().optional(),
  experimentKey: z.string().min(1).max(100).optional(),
  /** Exact action, e.g. "prompt.publish", or a prefix ending in "." such as "canary.". */
  action: z.string().min(1).max(100).optional(),
  entityId: z.uuid().optional(),
  limit: z.number().int().min(1).max(200).default(50),
  /** The last id of the previous page. */
  cursor: z.uuid().optional(),
});

export type AuditSearch = z.input<typeof auditSearchSchema>;

export interface AuditRow {
  id: string;
  createdAt: Date;
  action: string;
  entityType: string;
  entityId: string;
  experimentId: string | null;
  experimentKey: string | null;
  /** Null when the system acted (the guardrail runner). */
  actor: { id: string; name: string } | null;
  before: unknown;
  after: unknown;
  reason: string | null;
}

/** Newest first, paged by cursor. */
export async function searchAuditLog(
  db: Db,
  search: AuditSearch,
): Promise<{ entries: AuditRow[]; nextCursor: string | null }> {
  const query = parseInput(auditSearchSchema, search);
  const action = query.action?.endsWith(".") ? { startsWith: query.action } : query.action;
  const rows = await db.auditLog.findMany({
    where: {
      ...(query.experimentId ? { experimentId: query.experimentId } : {}),
      ...(query.experimentKey ? { experiment: { key: query.experimentKey } } : {}),
      ...(action ? { action } : {}),
      ...(query.entityId ? { entityId: query.entityId } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    select: {
      id: true,
      createdAt: true,
      action: true,
      entityType: true,
      entityId: true,
      experimentId: true,
      before: true,
      after: true,
      reason: true,
      actor: { select: { id: true, name: true } },
      experiment: { select: { key: true } },
    },
  });
  const page = rows.slice(0, query.limit);
  return {
    entries: page.map(({ experiment, ...row }) => ({ ...row, experimentKey: experiment?.key ?? null })),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
