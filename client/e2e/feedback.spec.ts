// Feedback: a thumbs up is highlighted, stored, survives a reload, can be
// changed, and shows up on the experiment page under the answer's variant.
import type { Page } from "@playwright/test";
import { e2eEnv } from "./support/e2e-env.ts";
import { expect, saveScreenshot, sendMessage, signIn, storedMessage, test } from "./support/fixtures.ts";

async function feedbackCount(page: Page, variant: string): Promise<number> {
  await page.getByRole("link", { name: "Experiments" }).click();
  const cell = page.locator(`tr[data-variant="${variant}"] [data-metric="feedback"]`);
  await expect(cell).toBeVisible();
  return Number(await cell.textContent());
}

test("thumbs up persists across reload, can change, and reaches the experiment page", async ({ page, db }) => {
  await signIn(page, e2eEnv("userKey"));
  const answer = await sendMessage(page, "Rate this answer please");
  await expect(answer).toHaveAttribute("data-state", "complete");
  const messageId = (await answer.getAttribute("data-message-id"))!;
  const conversationUrl = page.url();
  const { variant } = await storedMessage(db, messageId);

  const before = await feedbackCount(page, variant!);
  await page.goto(conversationUrl);
  const rated = page.locator(`[data-message-id="${messageId}"]`);
  const up = rated.getByRole("button", { name: "Good answer" });
  const down = rated.getByRole("button", { name: "Bad answer" });
  await up.click();
  await expect(up).toHaveAttribute("aria-pressed", "true");
  await expect(down).toHaveAttribute("aria-pressed", "false");
  await expect.poll(async () => (await db.query("SELECT rating FROM feedback WHERE message_id = $1", [messageId])).rows[0]?.rating).toBe(1);

  await page.reload();
  await expect(up).toHaveAttribute("aria-pressed", "true");

  await down.click();
  await expect(down).toHaveAttribute("aria-pressed", "true");
  await expect(up).toHaveAttribute("aria-pressed", "false");
  await expect.poll(async () => (await db.query("SELECT rating FROM feedback WHERE message_id = $1", [messageId])).rows[0]?.rating).toBe(-1);
  await up.click();
  await expect.poll(async () => (await db.query("SELECT rating FROM feedback WHERE message_id = $1", [messageId])).rows[0]?.rating).toBe(1);

  expect(await feedbackCount(page, variant!)).toBe(before + 1);
  const { rows } = await db.query<{ up: number; down: number }>(
    `SELECT count(*) FILTER (WHERE f.rating = 1)::int AS up, count(*) FILTER (WHERE f.rating = -1)::int AS down
       FROM feedback f JOIN messages m ON m.id = f.message_id WHERE m.variant = $1`,
    [variant],
  );
  const row = page.locator(`tr[data-variant="${variant}"]`);
  await expect(row.locator('[data-metric="thumbs"]')).toHaveText(`${rows[0]!.up} / ${rows[0]!.down}`);
  await expect(row.locator('[data-metric="approval"]')).toContainText(`${Math.round((rows[0]!.up / (rows[0]!.up + rows[0]!.down)) * 100)}%`);
  await saveScreenshot(page, "experiments-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  await saveScreenshot(page, "experiments-390");
});
