// Runs the guardrails: on a timer, and soon after feedback arrives. One instance
// at a time holds a lock in the store (Redis in production); the others skip
// the round. For each live experiment it
//   - judges every ramping canary against its variant's active version since the
//     canary began: a breach rolls the canary back, otherwise a step whose hold
//     time is over moves on (or, after 100%, promotes the canary);
//   - judges every treatment's active version against control's: a breach pauses
//     the experiment (everyone gets control).
// Every action is conditional on the state it judged (the canary still ramping at
// that step, the experiment still running), so repeating a round, or two rounds
// racing after a lost lock, changes nothing twice.
import { randomUUID } from "node:crypto";
import type { Db, Prisma } from "../db.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/store.ts";
import { advanceCanary, rollbackCanary, scheduleOf } from "./canary-rollout.ts";
import type { ExperimentConfigCache } from "./experiment-config.ts";
import { pauseExperiment } from "./experiment-lifecycle.ts";
import { judgeCanary, judgeTreatments } from "./guardrail-metrics.ts";
import { describeBreaches, guardrailConfigOf, type GuardrailConfig, type GuardrailVerdict } from "./guardrails.ts";

export const GUARDRAIL_LOCK_KEY = "guardrails:lock";

/** Figures as plain JSON for the audit row (drops undefined, keeps null). */
const asJson = (value: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;

export interface GuardrailRunnerDeps {
  db: Db;
  store: Store;
  experiments: ExperimentConfigCache;
  log: Logger;
}

export interface GuardrailRunnerOptions {
  intervalMs: number;
  /** Feedback-triggered rounds start at most this often. */
  minGapMs?: number;
  /** A crashed holder's lock frees itself after this long. */
  lockTtlSeconds?: number;
  now?: () => Date;
}

export type GuardrailAction =
  | { kind: "canary_rolled_back"; experiment: string; variant: string; reason: string }
  | { kind: "canary_advanced"; experiment: string; variant: string; percent: number }
  | { kind: "canary_promoted"; experiment: string; variant: string }
  | { kind: "experiment_paused"; experiment: string; reason: string };

export interface GuardrailRound {
  ran: boolean;
  actions: GuardrailAction[];
}

type LiveExperiment = Awaited<ReturnType<typeof liveExperiments>>[number];

function liveExperiments(db: Db) {
  // Killed and paused experiments serve control's stable version: nothing to judge or ramp.
  return db.experiment.findMany({
    where: { status: { in: ["running", "completed"] }, killedAt: null },
    select: {
      id: true,
      key: true,
      status: true,
      guardrails: true,
      shippedVariantId: true,
      variants: {
        orderBy: [{ createdAt: "asc" }, { key: "asc" }],
        select: {
          id: true,
          key: true,
          isControl: true,
          activeVersionId: true,
          canaryVersionId: true,
          canaryStep: true,
          canarySchedule: true,
          canaryStartedAt: true,
          canaryStepStartedAt: true,
        },
      },
    },
  });
}

export class GuardrailRunner {
  private timer: NodeJS.Timeout | undefined;
  private scheduled: NodeJS.Timeout | undefined;
  private inFlight: Promise<GuardrailRound> | undefined;
  private rerun = false;
  private lastRunAt = 0;
  private stopped = false;
  private readonly minGapMs: number;
  private readonly lockTtlSeconds: number;
  private readonly now: () => Date;

  constructor(
    private readonly deps: GuardrailRunnerDeps,
    private readonly options: GuardrailRunnerOptions,
  ) {
    this.minGapMs = options.minGapMs ?? 1_000;
    this.lockTtlSeconds = options.lockTtlSeconds ?? Math.max(30, Math.ceil((options.intervalMs * 2) / 1000));
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => void this.runExclusive(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.scheduled);
    this.scheduled = undefined;
    await this.inFlight?.catch(() => {});
  }

  /** Asks for a round soon (after feedback); many requests coalesce into one round. */
  requestRun(): void {
    if (this.stopped || this.scheduled) return;
    const wait = Math.max(0, this.lastRunAt + this.minGapMs - Date.now());
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      void this.runExclusive();
    }, wait);
    this.scheduled.unref();
  }

  /** One round on this instance at a time; a request during a round runs once more after it. */
  runExclusive(): Promise<GuardrailRound> {
    if (this.inFlight) {
      this.rerun = true;
      return this.inFlight;
    }
    const round = this.runOnce()
      .catch((error: unknown) => {
        this.deps.log.error({ err: error, event: "guardrail_round_failed" }, "guardrail round failed");
        return { ran: false, actions: [] };
      })
      .finally(() => {
        this.inFlight = undefined;
        this.lastRunAt = Date.now();
        if (this.rerun && !this.stopped) {
          this.rerun = false;
          this.requestRun();
        }
      });
    this.inFlight = round;
    return round;
  }

  /** One round across every live experiment, if this instance gets the lock. */
  async runOnce(): Promise<GuardrailRound> {
    const token = randomUUID();
    if (!(await this.deps.store.setIfAbsent(GUARDRAIL_LOCK_KEY, token, this.lockTtlSeconds))) return { ran: false, actions: [] };
    try {
      const actions: GuardrailAction[] = [];
      for (const experiment of await liveExperiments(this.deps.db)) {
        try {
          actions.push(...(await this.checkExperiment(experiment)));
        } catch (error) {
          // E.g. an admin completed it mid-round (a 409): one experiment must not stop the others' checks.
          this.deps.log.warn({ err: error, event: "guardrail_check_failed", experiment: experiment.key }, "guardrail check failed; next round retries");
        }
      }
      return { ran: true, actions };
    } finally {
      await this.deps.store.deleteIfEquals(GUARDRAIL_LOCK_KEY, token).catch(() => {});
    }
  }

  private async checkExperiment(experiment: LiveExperiment): Promise<GuardrailAction[]> {
    const config = guardrailConfigOf(experiment.guardrails);
    const actions: GuardrailAction[] = [];
    for (const variant of experiment.variants) {
      // Once completed, only the shipped variant is served, so only its canary sees traffic.
      if (experiment.status === "completed" && variant.id !== experiment.shippedVariantId) continue;
      const action = await this.checkCanary(experiment, variant, config);
      if (action) actions.push(action);
    }
    if (experiment.status === "running") {
      const paused = await this.checkTreatments(experiment, config);
      if (paused) actions.push(paused);
    }
    return actions;
  }

  private async checkCanary(
    experiment: LiveExperiment,
    variant: LiveExperiment["variants"][number],
    config: GuardrailConfig,
  ): Promise<GuardrailAction | null> {
    if (!variant.canaryVersionId) return null;
    const { candidate, baseline, verdict } = await judgeCanary(this.deps.db, { ...variant, canaryVersionId: variant.canaryVersionId }, config);
    const figures = asJson({ candidate, baseline, findings: verdict.findings });
    const changeDeps = this.changeDeps();

    if (verdict.breached) {
      const reason = `guardrail breach on canary: ${describeBreaches(verdict.findings)}`;
      const change = await rollbackCanary(changeDeps, null, {
        experimentId: experiment.id,
        variantId: variant.id,
        reason,
        onlyIfCanary: variant.canaryVersionId,
        figures,
      });
      if (!change.changed) return null;
      this.alert("canary_rolled_back", experiment.key, variant.key, reason, verdict, change.version);
      return { kind: "canary_rolled_back", experiment: experiment.key, variant: variant.key, reason };
    }

    const step = scheduleOf(variant.canarySchedule)[variant.canaryStep];
    const stepStarted = variant.canaryStepStartedAt ?? variant.canaryStartedAt ?? this.now();
    if (!step || this.now().getTime() < stepStarted.getTime() + step.holdSeconds * 1000) return null;
    const change = await advanceCanary(changeDeps, null, {
      experimentId: experiment.id,
      variantId: variant.id,
      fromStep: variant.canaryStep,
      reason: `guardrails held for ${step.holdSeconds}s at ${step.percent}%`,
      figures,
    });
    if (!change.changed || !change.result) return null;
    this.deps.log.info(
      { event: change.result.promoted ? "canary_promoted" : "canary_advanced", experiment: experiment.key, variant: variant.key, percent: change.result.percent, config_version: change.version },
      change.result.promoted ? "canary promoted to the active version" : "canary advanced to its next step",
    );
    return change.result.promoted
      ? { kind: "canary_promoted", experiment: experiment.key, variant: variant.key }
      : { kind: "canary_advanced", experiment: experiment.key, variant: variant.key, percent: change.result.percent };
  }

  private async checkTreatments(experiment: LiveExperiment, config: GuardrailConfig): Promise<GuardrailAction | null> {
    const judged = await judgeTreatments(this.deps.db, experiment.variants, config);
    const breaches = judged.filter((judgement) => judgement.verdict.breached);
    if (breaches.length === 0) return null;
    const baseline = breaches[0]!.baseline;

    const reason = `guardrail breach: ${breaches.map((b) => `${b.variant}: ${describeBreaches(b.verdict.findings)}`).join(" | ")}`;
    const change = await pauseExperiment(
      this.changeDeps(),
      null,
      { experimentId: experiment.id, reason },
      { action: "guardrail.pause", figures: asJson({ baseline, breaches: breaches.map((b) => ({ variant: b.variant, candidate: b.candidate, findings: b.verdict.findings })) }) },
    );
    if (!change.changed) return null;
    for (const breach of breaches) this.alert("experiment_paused", experiment.key, breach.variant, reason, breach.verdict, change.version);
    return { kind: "experiment_paused", experiment: experiment.key, reason };
  }

  private changeDeps() {
    return { db: this.deps.db, experiments: this.deps.experiments, log: this.deps.log };
  }

  private alert(action: string, experiment: string, variant: string, reason: string, verdict: GuardrailVerdict, configVersion: number): void {
    this.deps.log.error(
      {
        event: "guardrail_breach",
        action,
        experiment,
        variant,
        config_version: configVersion,
        findings: verdict.findings.filter((finding) => finding.status === "breach"),
      },
      `guardrail breached: ${reason}`,
    );
  }
}
