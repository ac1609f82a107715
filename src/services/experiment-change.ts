// The one write path for an experiment's configuration. Publishing, rollback,
// lifecycle moves, the kill switch, canary steps and guardrail actions all go
// through changeExperiment, which in ONE database transaction:
//   1. locks the experiment row (SELECT ... FOR UPDATE), so writers queue up;
//   2. checks the caller's expected version (optimistic concurrency: of two
//      admins who loaded version 7, one wins and the other gets a 409);
//   3. applies the change, bumps experiments.version, writes the audit row;
// and after the commit announces the change on Redis pub/sub, so every instance
// drops its cached copy at once (the cache TTL covers a lost announcement).
import { z } from "zod";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { Db } from "../db.ts";
import type { Logger } from "../logger.ts";
import { recordAudit, type AuditEntry, type Tx } from "./audit-log.ts";
import type { ExperimentConfigCache } from "./experiment-config.ts";

/** The configuration version the admin's screen showed; a stale one is a 409. */
export const expectedVersionSchema = z.number().int().min(1);
/** Required for rollback, kill and pause. */
export const reasonSchema = z.string().trim().min(3, "a reason is required").max(2_000);

export interface ChangeDeps {
  db: Db;
  experiments: ExperimentConfigCache;
  log: Logger;
}

/** The experiment row as locked for a change. */
export interface LockedExperiment {
  id: string;
  key: string;
  status: "draft" | "running" | "paused" | "completed";
  version: number;
  killedAt: Date | null;
}

export interface ChangeOutcome<T> {
  /** Overrides the request's action when apply decides what happened (advance vs promote). */
  action?: string;
  before: AuditEntry["before"];
  after: AuditEntry["after"];
  result: T;
  /** The audited entity, when it is not the experiment itself. */
  entity?: { type: AuditEntry["entityType"]; id: string };
}

export interface ChangeRequest<T> {
  /** The experiment's id, or its key. */
  experiment: string;
  /** The configuration version the caller based the change on; omitted only by idempotent actions (kill, guardrails). */
  expectedVersion?: number | undefined;
  actorId: string | null;
  action: string;
  reason?: string | null | undefined;
  /** Returns null for "nothing to change": no version bump, no audit row, no announcement. */
  apply(tx: Tx, experiment: LockedExperiment): Promise<ChangeOutcome<T> | null>;
}

export interface ChangeResult<T> {
  changed: boolean;
  result: T | null;
  experimentId: string;
  experimentKey: string;
  /** The configuration version after the change. */
  version: number;
  auditId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function lockExperiment(tx: Tx, idOrKey: string): Promise<LockedExperiment> {
  const rows = UUID.test(idOrKey)
    ? await tx.$queryRaw<LockedExperiment[]>`
        SELECT id, key, status::text AS status, version, killed_at AS "killedAt"
          FROM experiments WHERE id = ${idOrKey}::uuid FOR UPDATE`
    : await tx.$queryRaw<LockedExperiment[]>`
        SELECT id, key, status::text AS status, version, killed_at AS "killedAt"
          FROM experiments WHERE key = ${idOrKey} FOR UPDATE`;
  const row = rows[0];
  if (!row) throw new NotFoundError("No such experiment.");
  return row;
}

export class StaleVersionError extends ConflictError {
  constructor(expected: number, current: number) {
    super(`The experiment changed since version ${expected} (it is now version ${current}); reload and try again.`, {
      fields: { expectedVersion: [`current version is ${current}`] },
    });
  }
}

export async function changeExperiment<T>(deps: ChangeDeps, request: ChangeRequest<T>): Promise<ChangeResult<T>> {
  const outcome = await deps.db.$transaction(async (tx) => {
    const experiment = await lockExperiment(tx, request.experiment);
    if (request.expectedVersion !== undefined && request.expectedVersion !== experiment.version) {
      throw new StaleVersionError(request.expectedVersion, experiment.version);
    }
    const change = await request.apply(tx, experiment);
    if (!change) return { experiment, change, version: experiment.version, auditId: null };
    const { version } = await tx.experiment.update({
      where: { id: experiment.id },
      data: { version: { increment: 1 } },
      select: { version: true },
    });
    const auditId = await recordAudit(tx, {
      actorId: request.actorId,
      action: change.action ?? request.action,
      entityType: change.entity?.type ?? "experiment",
      entityId: change.entity?.id ?? experiment.id,
      experimentId: experiment.id,
      before: change.before,
      after: change.after,
      reason: request.reason ?? null,
    });
    return { experiment, change, version, auditId };
  });

  if (outcome.change) {
    try {
      await deps.experiments.announceChange(outcome.experiment.key);
    } catch (error) {
      // Committed already: a retry would only 409. Instances converge within the cache TTL.
      deps.log.error(
        { err: error, event: "config_announce_failed", experiment: outcome.experiment.key, config_version: outcome.version },
        "configuration change committed but not announced; instances will pick it up when their cache expires",
      );
    }
    deps.log.info(
      { event: "experiment_changed", action: outcome.change.action ?? request.action, experiment: outcome.experiment.key, config_version: outcome.version },
      "experiment configuration changed",
    );
  }
  return {
    changed: outcome.change !== null,
    result: outcome.change?.result ?? null,
    experimentId: outcome.experiment.id,
    experimentKey: outcome.experiment.key,
    version: outcome.version,
    auditId: outcome.auditId,
  };
}

/** For apply(): a precondition of the change does not hold in the current state. */
export function conflict(message: string): never {
  throw new ConflictError(message);
}
