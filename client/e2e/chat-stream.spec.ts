// Chat: the answer paints token by token, its metrics row shows exactly what
// PostgreSQL stored, the same row comes back from history after a reload, and
// Shift+Enter breaks a line instead of sending.
import { formatCost, formatDuration } from "../format/metrics-format.ts";
import { e2eEnv, FULL_ANSWER } from "./support/e2e-env.ts";
import { expect, messageBox, saveScreenshot, sendMessage, signIn, storedMessage, test, type StoredMessage } from "./support/fixtures.ts";

/** Records the answer's text length on every animation frame, i.e. what each paint showed. */
async function recordPaints(page: import("@playwright/test").Page): Promise<void> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { paintedLengths: number[] }).paintedLengths = seen;
    const sample = () => {
      const answers = document.querySelectorAll('[data-testid="answer-text"]');
      const last = answers[answers.length - 1];
      // The streaming cursor is an element without text, so textContent is the answer alone.
      if (last) seen.push(last.textContent?.length ?? 0);
      requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  });
}

async function expectMetricsRow(answer: import("@playwright/test").Locator, stored: StoredMessage): Promise<void> {
  const metric = (name: string) => answer.locator(`[data-metric="${name}"]`);
  await expect(metric("tokens-in")).toHaveText(`↓ ${stored.tokens_in} in`);
  await expect(metric("tokens-out")).toHaveText(`↑ ${stored.tokens_out} out`);
  await expect(metric("tokens-total")).toHaveText(`Σ ${stored.tokens_in + stored.tokens_out} tokens`);
  await expect(metric("latency")).toHaveText(`⚡ ${formatDuration(stored.latency_ms)}`);
  await expect(metric("latency")).toHaveAttribute("title", `Total time: ${stored.latency_ms} ms`);
  await expect(metric("cost")).toHaveText(`💰 ${formatCost(stored.cost_usd)}`);
  expect(Number(stored.cost_usd)).toBeGreaterThan(0);
  await expect(metric("ttft")).toHaveText(`⏱ ${formatDuration(stored.time_to_first_token_ms)} to first token`);
}

test("streams an answer token by token with a metrics row equal to the stored row", async ({ page, db }) => {
  await signIn(page, e2eEnv("userKey"));
  await recordPaints(page);
  const answer = await sendMessage(page, "Explain A/B testing of prompts");

  const text = answer.getByTestId("answer-text");
  await expect(answer).toHaveAttribute("data-state", "complete");
  await expect(text).toHaveText(FULL_ANSWER);
  const painted = await page.evaluate(() => (window as unknown as { paintedLengths: number[] }).paintedLengths);
  const partial = new Set(painted.filter((length) => length > 0 && length < FULL_ANSWER.length));
  expect(partial.size, `partial lengths painted: ${[...partial].join(", ")}`).toBeGreaterThanOrEqual(2);

  const messageId = await answer.getAttribute("data-message-id");
  const stored = await storedMessage(db, messageId!);
  expect(stored).toMatchObject({ status: "complete", content: FULL_ANSWER });
  await expectMetricsRow(answer, stored);
  await expect(answer.getByTestId("variant-badge")).toHaveText(`${stored.variant} · v1`);
  await expect(answer.getByRole("link", { name: "Why this answer?" }), "provenance is for admins only").toHaveCount(0);
  await expect(page).toHaveURL(/\/c\/[0-9a-f-]{36}$/);
  await saveScreenshot(page, "chat-1280");

  // History, loaded from the server, shows the same row from the stored fields.
  await page.reload();
  const reloaded = page.locator(`[data-message-id="${messageId}"]`);
  await expect(reloaded.getByTestId("answer-text")).toHaveText(FULL_ANSWER);
  await expectMetricsRow(reloaded, stored);
  await expect(reloaded.getByTestId("variant-badge")).toHaveText(`${stored.variant} · v1`);
  await expect(page.getByRole("link", { name: /Explain A\/B testing of prompts/ })).toHaveAttribute("aria-current", "page");

  await page.setViewportSize({ width: 390, height: 844 });
  await saveScreenshot(page, "chat-390");
  await page.getByRole("button", { name: "Conversations" }).click();
  await expect(page.getByRole("link", { name: /Explain A\/B testing of prompts/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "+ New conversation" })).toBeFocused();
  await saveScreenshot(page, "chat-390-conversations");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("button", { name: "Conversations" })).toBeFocused();
  await expect(page.getByRole("link", { name: /Explain A\/B testing of prompts/ })).toBeHidden();
});

test("Shift+Enter breaks the line and Enter sends", async ({ page }) => {
  await signIn(page, e2eEnv("userKey"));
  const box = messageBox(page);
  await box.fill("first line");
  await box.press("Shift+Enter");
  await box.pressSequentially("second line");
  await expect(box).toHaveValue("first line\nsecond line");
  await expect(page.getByRole("article", { name: "Answer" })).toHaveCount(0);

  await box.press("Enter");
  await expect(box).toHaveValue("");
  await expect(page.getByRole("article", { name: "Your message" })).toHaveText("first line\nsecond line");
  await expect(page.getByRole("article", { name: "Answer" })).toHaveAttribute("data-state", "complete");
});
