// The results end to end on a real PostgreSQL: hand-built answers with known
// latencies, costs, ratings and fallbacks, and the figures that must come out
// of feedback.stats, GET /feedback/stats and experiments.results. Expected
// values are worked out by hand in the comments; interval and probability
// functions are checked against their references in ./statistics/.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Db } from "../db.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";
import { createUserWithKey } from "../testing/test-users.ts";
import { callerFor } from "../testing/trpc-caller.ts";
import { experimentResults } from "./experiment-results.ts";
import { probabilityToBeatControl } from "./statistics/probability-to-beat-control.ts";
import { wilsonInterval } from "./statistics/wilson-interval.ts";

const DAY = 86_400_000;
const NOW = new Date("2026-11-27T15:30:00Z");

async function createExperiment(db: Db, key: string, variants: Array<{ key: string; allocation: number; isControl: boolean }>) {
  const experiment = await db.experiment.create({
    data: { key, name: key, variants: { create: variants } },
    select: { id: true, variants: { select: { id: true, key: true } } },
  });
  const versions: Record<string, string> = {};
  for (const variant of experiment.variants) {
    const version = await db.promptVersion.create({
      data: { variantId: variant.id, version: 1, systemPrompt: `${variant.key} prompt`, model: "gpt-4o-mini" },
      select: { id: true },
    });
    await db.variant.update({ where: { id: variant.id }, data: { activeVersionId: version.id } });
    versions[variant.key] = version.id;
  }
  return versions;
}

interface Answer {
  variant: string;
  userId: string;
  latencyMs?: number;
  ttftMs?: number;
  costUsd?: string;
  model?: string;
  fallback?: boolean;
  rating?: 1 | -1;
  createdAt?: Date;
  assignmentUnit?: string;
}

async function addAnswers(db: Db, experimentKey: string, versions: Record<string, string>, answers: Answer[]) {
  const conversations = new Map<string, string>();
  for (const answer of answers) {
    if (!conversations.has(answer.userId)) {
      const conversation = await db.conversation.create({ data: { userId: answer.userId }, select: { id: true } });
      conversations.set(answer.userId, conversation.id);
    }
  }
  const rows = answers.map((answer) => ({ id: randomUUID(), answer }));
  await db.message.createMany({
    data: rows.map(({ id, answer }) => ({
      id,
      conversationId: conversations.get(answer.userId)!,
      role: "assistant" as const,
      content: "answer",
      provider: "openai",
      model: answer.model ?? "gpt-4o-mini",
      fallback: answer.fallback ?? false,
      latencyMs: answer.latencyMs ?? null,
      timeToFirstTokenMs: answer.ttftMs ?? null,
      tokensIn: 10,
      tokensOut: 20,
      costUsd: answer.costUsd ?? "0.001",
      experimentKey,
      variant: answer.variant,
      promptVersionId: versions[answer.variant]!,
      assignmentUnit: answer.assignmentUnit ?? null,
      createdAt: answer.createdAt ?? NOW,
    })),
  });
  await db.feedback.createMany({
    data: rows
      .filter(({ answer }) => answer.rating !== undefined)
      .map(({ id, answer }) => ({ messageId: id, userId: answer.userId, rating: answer.rating! })),
  });
}

describe.skipIf(!inject("servicesAvailable"))("experiment statistics", () => {
  let app: TestApp;
  let db: Db;
  beforeAll(async () => {
    app = await startTestApp();
    db = app.runtime.deps.db;
    const users = await Promise.all(Array.from({ length: 4 }, () => createUserWithKey(db)));
    const versions = await createExperiment(db, "tone", [
      { key: "plain", allocation: 50, isControl: true },
      { key: "friendly", allocation: 50, isControl: false },
    ]);
    // Control: 10 compared answers, latencies 100..1000 ms, first tokens 10..100 ms,
    // $0.001 each, 6 rated (4 up, 2 down); two days of traffic.
    const ratings: Array<1 | -1 | undefined> = [1, 1, 1, -1, 1, -1, undefined, undefined, undefined, undefined];
    const control: Answer[] = ratings.map((rating, i) => ({
      variant: "plain",
      userId: users[i % 4]!.id,
      latencyMs: (i + 1) * 100,
      ttftMs: (i + 1) * 10,
      rating,
      createdAt: new Date(NOW.getTime() - (i < 4 ? DAY : 0)),
    }));
    // Fallbacks: flagged by the provider layer, or served by another model than the prompt version's.
    const fallbacks: Answer[] = [
      { variant: "plain", userId: users[0]!.id, latencyMs: 9_000, costUsd: "0.5", fallback: true, rating: 1 },
      { variant: "plain", userId: users[1]!.id, latencyMs: 9_000, costUsd: "0.5", model: "backup-model", rating: 1 },
    ];
    // Treatment: 5 answers, nobody rated them.
    const treatment: Answer[] = Array.from({ length: 5 }, (_, i) => ({ variant: "friendly", userId: users[i % 2]!.id, latencyMs: 200 }));
    await addAnswers(db, "tone", versions, [...control, ...fallbacks, ...treatment]);

    // A 50/50 experiment that got 100 vs 160 users: chi2 = 2 * 30^2 / 130 = 13.85, p = 0.0002.
    const lopsided = await createExperiment(db, "lopsided", [
      { key: "a", allocation: 50, isControl: true },
      { key: "b", allocation: 50, isControl: false },
    ]);
    const units = (variant: string, count: number): Answer[] =>
      Array.from({ length: count }, (_, i) => ({ variant, userId: users[0]!.id, assignmentUnit: `${variant}-${i}` }));
    await addAnswers(db, "lopsided", lopsided, [...units("a", 100), ...units("b", 160)]);
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  const tone = async () => (await callerFor(app.runtime.deps, TEST_USER_KEY).feedback.stats()).find((e) => e.experiment_key === "tone")!;

  it("keeps the seed's fields over all answers, fallbacks included", async () => {
    const control = (await tone()).variants.find((v) => v.variant === "plain")!;
    expect(control).toMatchObject({
      messages: 12,
      users: 4,
      feedback_count: 8,
      thumbs_up: 6,
      thumbs_down: 2,
      approval_rate: 6 / 8,
      tokens_in: 120,
      tokens_out: 240,
      cost_usd: "1.0100000000",
    });
  });

  it("counts fallback answers separately and leaves them out of the compared figures", async () => {
    const control = (await tone()).variants.find((v) => v.variant === "plain")!;
    expect(control.fallback_messages).toBe(2);
    expect(control.compared).toEqual({
      messages: 10,
      users: 4,
      rated_messages: 6,
      thumbs_up: 4,
      thumbs_down: 2,
      response_rate: 0.6,
      approval_rate: 4 / 6,
      approval_interval: wilsonInterval(4, 6),
      // percentile_cont over 100..1000: p50 = (500 + 600) / 2; p95 at rank 0.95 * 9 = 8.55 -> 900 + 0.55 * 100.
      latency_p50_ms: 550,
      latency_p95_ms: 955,
      time_to_first_token_p50_ms: 55,
      tokens_in: 100,
      tokens_out: 200,
      cost_usd: "0.0100000000",
      cost_per_message_usd: "0.001",
      // $0.01 for 4 approved answers.
      cost_per_approved_answer_usd: "0.0025",
    });
  });

  it("compares the treatment with control, and says it needs more ratings when it has none", async () => {
    const experiment = await tone();
    const treatment = experiment.variants.find((v) => v.variant === "friendly")!;
    expect(treatment.compared).toMatchObject({ messages: 5, rated_messages: 0, response_rate: 0, approval_rate: null, approval_interval: null });
    expect(treatment.compared.cost_per_approved_answer_usd).toBeNull();
    expect(treatment.vs_control).toEqual({
      difference: null,
      difference_interval: null,
      relative_difference: null,
      relative_difference_interval: null,
      p_value: null,
      probability_to_beat_control: probabilityToBeatControl({ successes: 4, trials: 6 }, { successes: 0, trials: 0 }),
      sequential_interval: null,
      response_rate_difference: -0.6,
      response_rate_p_value: expect.any(Number),
    });
    expect(treatment.verdict.code).toBe("too_few_ratings");
    expect(treatment.verdict.text).toMatch(/^no difference detected yet \(n too small: need about [\d,]+ more ratings for 5-point lift\)$/);
    expect(experiment.variants.find((v) => v.variant === "plain")!.verdict.code).toBe("control");
    expect(experiment.variants.find((v) => v.variant === "plain")!.vs_control).toBeNull();
    // 4 users vs 2: far too few to call a mismatch.
    expect(experiment.sample_ratio_mismatch).toMatchObject({ degrees_of_freedom: 1, flagged: false });
  });

  it("flags a sample ratio mismatch and marks every variant's results unreliable", async () => {
    const stats = await callerFor(app.runtime.deps, TEST_USER_KEY).feedback.stats();
    const lopsided = stats.find((e) => e.experiment_key === "lopsided")!;
    expect(lopsided.sample_ratio_mismatch!.chi_square).toBeCloseTo(13.846153846, 8);
    expect(lopsided.sample_ratio_mismatch!.p_value).toBeLessThan(0.001);
    expect(lopsided.sample_ratio_mismatch!.flagged).toBe(true);
    expect(lopsided.variants.map((v) => v.verdict.text)).toEqual([
      "sample ratio mismatch: results unreliable",
      "sample ratio mismatch: results unreliable",
    ]);
  });

  it("does not test the sample ratio of a killed experiment: everyone gets control on purpose", async () => {
    await db.experiment.update({ where: { key: "lopsided" }, data: { killedAt: new Date() } });
    try {
      const stats = await callerFor(app.runtime.deps, TEST_USER_KEY).feedback.stats();
      expect(stats.find((e) => e.experiment_key === "lopsided")!.sample_ratio_mismatch).toBeNull();
    } finally {
      await db.experiment.update({ where: { key: "lopsided" }, data: { killedAt: null } });
    }
  });

  it("serves the same object over GET /feedback/stats", async () => {
    const response = await fetch(`${app.url}/feedback/stats`, { headers: { "x-api-key": TEST_USER_KEY } });
    const body = (await response.json()) as { experiments: unknown[] };
    const viaTrpc = await callerFor(app.runtime.deps, TEST_USER_KEY).feedback.stats();
    expect(body.experiments).toEqual(JSON.parse(JSON.stringify(viaTrpc)));
  });

  it("gives a dense daily series with per-day and cumulative approval", async () => {
    const results = await experimentResults(db, "tone", "day", NOW);
    const plain = results.time_series.variants.find((v) => v.variant === "plain")!;
    expect(plain.points.map((p) => p.bucket)).toEqual(["2026-11-26T00:00:00.000Z", "2026-11-27T00:00:00.000Z"]);
    // Day 1: answers 0-3 (3 up, 1 down). Day 2: the other 6 and both fallbacks (1 up, 1 down compared).
    expect(plain.points[0]).toMatchObject({ messages: 4, fallback_messages: 0, ratings: 4, thumbs_up: 3, approval_rate: 0.75, cumulative_approval_rate: 0.75, cost_usd: "0.0040000000" });
    expect(plain.points[1]).toMatchObject({ messages: 6, fallback_messages: 2, ratings: 2, thumbs_up: 1, approval_rate: 0.5 });
    expect(plain.points[1]).toMatchObject({ cumulative_ratings: 6, cumulative_thumbs_up: 4, cumulative_approval_interval: wilsonInterval(4, 6) });
    const friendly = results.time_series.variants.find((v) => v.variant === "friendly")!;
    expect(friendly.points.map((p) => p.messages)).toEqual([0, 5]);
    expect(results.methods.sequential_interval).toMatch(/n\* = 5000/);
  });

  it("gives hourly buckets up to the current hour", async () => {
    const results = await experimentResults(db, "tone", "hour", new Date(NOW.getTime() + 2 * 3_600_000));
    const points = results.time_series.variants.find((v) => v.variant === "plain")!.points;
    expect(points[0]!.bucket).toBe("2026-11-26T15:00:00.000Z");
    expect(points).toHaveLength(27);
    expect(points.at(-1)!).toMatchObject({ bucket: "2026-11-27T17:00:00.000Z", messages: 0, cumulative_ratings: 6 });
  });

  it("answers experiments.results over tRPC, and NOT_FOUND for an unknown key", async () => {
    const caller = callerFor(app.runtime.deps, TEST_USER_KEY);
    const results = await caller.experiments.results({ experimentKey: "tone" });
    expect(results.time_series.granularity).toBe("day");
    expect(results.variants.map((v) => v.variant).sort()).toEqual(["friendly", "plain"]);
    await expect(caller.experiments.results({ experimentKey: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
