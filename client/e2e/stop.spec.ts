// Stop: aborting mid-stream leaves a partial answer that the UI marks as
// incomplete and the database stores with status `incomplete`.
import { e2eEnv, FULL_ANSWER } from "./support/e2e-env.ts";
import { expect, sendMessage, signIn, storedMessage, test } from "./support/fixtures.ts";

test("Stop keeps the partial answer as incomplete", async ({ page, db }) => {
  await signIn(page, e2eEnv("userKey"));
  const answer = await sendMessage(page, "Tell me a long story");
  const text = answer.getByTestId("answer-text");
  await expect(text).toContainText("word3");
  await page.getByRole("button", { name: "Stop" }).click();

  await expect(answer).toHaveAttribute("data-state", "incomplete");
  await expect(answer.getByTestId("incomplete-note")).toContainText("Incomplete");
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();

  const messageId = (await answer.getAttribute("data-message-id"))!;
  const stored = await storedMessage(db, messageId);
  expect(stored.status).toBe("incomplete");
  expect(stored.content.length).toBeGreaterThan(0);
  expect(stored.content.length).toBeLessThan(FULL_ANSWER.length);
  expect(FULL_ANSWER.startsWith(stored.content)).toBe(true);

  // Once history has the stored copy, the row shows its metrics and the same text.
  await expect(answer.locator('[data-metric="tokens-out"]')).toHaveText(`↑ ${stored.tokens_out} out`);
  await expect(text).toHaveText(stored.content);

  await page.reload();
  const reloaded = page.locator(`[data-message-id="${messageId}"]`);
  await expect(reloaded).toHaveAttribute("data-state", "incomplete");
  await expect(reloaded.getByTestId("answer-text")).toHaveText(stored.content);
});
