// The results screen shows exactly what experiments.results returns: after
// seeding answers and a known mix of ratings in both variants, every figure
// in both tables, every verdict, the SRM banner's absence and the chart's
// series and latest bucket equal the procedure's numbers, formatted by the
// screen's own rules.
import type { Locator, Page } from "@playwright/test";
import type { ExperimentResults, Granularity, ResultsVariant } from "../api/trpc.ts";
import { formatCount, formatDuration } from "../format/metrics-format.ts";
import {
  formatBucket,
  formatMoney,
  formatPoints,
  formatPointsInterval,
  formatPValue,
  formatRate,
  formatRateInterval,
  formatRelative,
  formatRelativeInterval,
} from "../format/stats-format.ts";
import { chatViaApi, createUserIn, EXPERIMENT, rateViaApi, seededVariantOf } from "./support/api.ts";
import { e2eEnv } from "./support/e2e-env.ts";
import { expect, saveFullScreenshot, signIn, test } from "./support/fixtures.ts";

const TEST_KEY = "test-key-123";

/** Seeds answers for one user and rates them: the first `up` thumbs up, the rest thumbs down. */
async function seedRatings(key: string, answers: number, up: number): Promise<string[]> {
  const chats = await Promise.all(Array.from({ length: answers }, (_, i) => chatViaApi(key, `results seed ${i}`)));
  const ids = chats.map((chat) => chat.meta.message_id);
  await Promise.all(ids.map((id, i) => rateViaApi(key, id, i < up ? 1 : -1)));
  return ids;
}

async function fetchResults(page: Page, granularity: Granularity): Promise<ExperimentResults> {
  const input = encodeURIComponent(JSON.stringify({ experimentKey: EXPERIMENT, granularity }));
  const response = await page.request.get(`/trpc/experiments.results?input=${input}`, { headers: { "x-api-key": TEST_KEY } });
  expect(response.status()).toBe(200);
  return ((await response.json()) as { result: { data: ExperimentResults } }).result.data;
}

function approvalCells(variant: ResultsVariant): Record<string, string> {
  const { compared, vs_control: vs } = variant;
  const vsControl: Record<string, string> = vs
    ? {
        difference: formatPoints(vs.difference),
        "difference-interval": formatPointsInterval(vs.difference_interval),
        relative: formatRelative(vs.relative_difference),
        "relative-interval": formatRelativeInterval(vs.relative_difference_interval),
        "p-value": formatPValue(vs.p_value),
        "p-beat": formatRate(vs.probability_to_beat_control),
        sequential: formatPointsInterval(vs.sequential_interval),
        "sequential-interval": "always-valid 95%",
      }
    : { difference: "baseline", relative: "baseline", "p-value": "baseline", "p-beat": "baseline", sequential: "baseline" };
  return {
    ratings: formatCount(compared.rated_messages),
    "ratings-interval": `👍 ${formatCount(compared.thumbs_up)} · 👎 ${formatCount(compared.thumbs_down)}`,
    "response-rate": formatRate(compared.response_rate),
    approval: formatRate(compared.approval_rate),
    "approval-interval": formatRateInterval(compared.approval_interval),
    ...vsControl,
  };
}

function costCells(variant: ResultsVariant): Record<string, string> {
  const { compared } = variant;
  return {
    allocation: `${variant.allocation}%`,
    users: formatCount(variant.users),
    messages: formatCount(compared.messages),
    fallback: formatCount(variant.fallback_messages),
    latency: `${formatDuration(compared.latency_p50_ms)} / ${formatDuration(compared.latency_p95_ms)}`,
    ttft: formatDuration(compared.time_to_first_token_p50_ms),
    tokens: `${formatCount(compared.tokens_in)} / ${formatCount(compared.tokens_out)}`,
    "cost-per-message": formatMoney(compared.cost_per_message_usd),
    "cost-per-approved": formatMoney(compared.cost_per_approved_answer_usd),
  };
}

async function expectCells(row: Locator, cells: Record<string, string>): Promise<void> {
  for (const [id, text] of Object.entries(cells)) await expect(row.getByTestId(id), id).toHaveText(text);
}

async function expectChart(page: Page, results: ExperimentResults): Promise<void> {
  const chart = page.getByTestId("approval-chart");
  await expect(chart.locator("canvas")).toBeVisible();
  const series = chart.locator('[data-testid^="chart-series-"]');
  await expect(series).toHaveCount(results.variants.length);
  const last = results.time_series.variants[0]!.points.at(-1)!.bucket;
  for (const variant of results.time_series.variants) {
    const item = chart.getByTestId(`chart-series-${variant.variant}`);
    await expect(item).toHaveAttribute("data-bucket", last);
    await expect(item.locator(".legend-value")).toHaveText(formatRate(variant.points.at(-1)!.cumulative_approval_rate));
  }
  await expect(chart.getByTestId("chart-bucket")).toHaveText(formatBucket(last, results.time_series.granularity));
  // The same series as a table, for keyboards and screen readers.
  const table = chart.getByRole("region", { name: "Chart data" });
  if (!(await table.isVisible())) await chart.getByText("The numbers behind the charts").click();
  await expect(table.locator("tbody tr")).toHaveCount(results.time_series.variants[0]!.points.length);
}

test("every figure on the results screen equals the procedure's", async ({ page, db }) => {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM users WHERE name = 'Test User' ORDER BY created_at LIMIT 1`);
  const testUserVariant = seededVariantOf(rows[0]!.id);
  const other = await createUserIn(testUserVariant === "concise" ? "detailed" : "concise", "Results User");
  const seeded = [...(await seedRatings(TEST_KEY, 12, 9)), ...(await seedRatings(other.key, 8, 3))];
  // Ratings are written in batches after the 200: wait until all of them are stored.
  await expect
    .poll(async () => (await db.query("SELECT count(*)::int AS n FROM feedback WHERE message_id = ANY($1::uuid[])", [seeded])).rows[0].n)
    .toBe(seeded.length);

  await signIn(page, TEST_KEY);
  await page.getByRole("link", { name: "Experiments" }).click();
  await page.locator(`[data-experiment="${EXPERIMENT}"]`).getByRole("link", { name: "Results and statistics" }).click();
  await expect(page).toHaveURL(new RegExp(`/experiments/${EXPERIMENT}$`));
  await expect(page.getByRole("heading", { name: "System prompt style", level: 1 })).toBeVisible();

  const results = await fetchResults(page, "day");
  expect(results.variants.map((variant) => variant.compared.rated_messages).every((n) => n >= 8)).toBe(true);
  for (const variant of results.variants) {
    await expectCells(page.getByTestId(`variant-row-${variant.variant}`), approvalCells(variant));
    await expectCells(page.getByTestId(`variant-cost-row-${variant.variant}`), costCells(variant));
    expect(variant.compared.cost_per_approved_answer_usd).not.toBeNull();
    await expect(page.getByTestId(`verdict-${variant.variant}`)).toHaveText(variant.verdict.text);
    const tone = variant.verdict.code === "better" ? "good" : ["worse", "sample_ratio_mismatch"].includes(variant.verdict.code) ? "bad" : "neutral";
    await expect(page.locator(`.verdict[data-code="${variant.verdict.code}"]`).filter({ hasText: variant.verdict.text })).toHaveClass(new RegExp(tone));
  }
  const flagged = results.sample_ratio_mismatch?.flagged ?? false;
  await expect(page.getByTestId("srm-banner")).toHaveCount(flagged ? 1 : 0);
  await expectChart(page, results);
  await saveFullScreenshot(page, "results-1280");

  // Hourly buckets: the chart follows the procedure's hourly series.
  await page.getByRole("radio", { name: "Hour" }).check();
  const hourly = await fetchResults(page, "hour");
  await expect(page.getByTestId("chart-bucket")).toHaveText(formatBucket(hourly.time_series.variants[0]!.points.at(-1)!.bucket, "hour"));
  await expectChart(page, hourly);

  // Per bucket: the legend reads each variant's own last-bucket approval.
  await page.getByRole("radio", { name: "Per bucket" }).check();
  for (const variant of hourly.time_series.variants) {
    await expect(page.getByTestId(`chart-series-${variant.variant}`).locator(".legend-value")).toHaveText(formatRate(variant.points.at(-1)!.approval_rate));
  }

  await page.setViewportSize({ width: 390, height: 844 });
  const firstRow = page.getByTestId(`variant-row-${results.variants[0]!.variant}`);
  await expect(firstRow.locator("th")).toBeInViewport();
  await saveFullScreenshot(page, "results-390");
});

test("an unknown experiment says so instead of a blank page", async ({ page }) => {
  await signIn(page, e2eEnv("userKey"));
  await page.goto("/experiments/no_such_experiment");
  await expect(page.getByText("Not found")).toBeVisible();
});
