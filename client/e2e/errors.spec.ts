// Errors a person can act on: the rate limit says when the window resets, a
// provider failure mid-stream offers Retry, a chat the server could not store
// hands the text back, and an unreachable server shows a banner that clears
// when it answers again.
import pg from "pg";
import { e2eEnv } from "./support/e2e-env.ts";
import { expect, messageBox, sendMessage, signIn, test } from "./support/fixtures.ts";
import { setUpstream } from "./support/upstream-control.ts";

function nextUtcHour(now: Date): Date {
  const reset = new Date(now);
  reset.setUTCMinutes(0, 0, 0);
  reset.setUTCHours(reset.getUTCHours() + 1);
  return reset;
}

test("the request over the limit says when the window resets and keeps the text", async ({ page }) => {
  // This user may send one chat per hour, so the second is the one over the limit.
  await signIn(page, e2eEnv("limitedUserKey"));
  const first = await sendMessage(page, "my one chat this hour");
  await expect(first).toHaveAttribute("data-state", "complete");
  await expect(page.getByTestId("rate-limit-remaining")).toHaveText("0/1 chats left this hour");

  await messageBox(page).fill("one too many");
  await messageBox(page).press("Enter");
  const notice = page.getByRole("alert").filter({ hasText: "Rate limit reached" });
  await expect(notice).toContainText("You have used your limit of 1 chat per hour. You can send again at");
  const resetAt = await notice.getByTestId("rate-limit-reset").getAttribute("datetime");
  expect(resetAt).toBe(nextUtcHour(new Date()).toISOString());
  await expect(messageBox(page)).toHaveValue("one too many");
  await expect(page.getByRole("article", { name: "Answer" })).toHaveCount(1);
});

test("a provider failure mid-stream explains itself and Retry answers", async ({ page }) => {
  await signIn(page, e2eEnv("userKey"));
  await setUpstream(e2eEnv("upstreamControlUrl"), { dropAfterChunks: 4 });
  try {
    const failed = await sendMessage(page, "this one will break");
    await expect(failed).toHaveAttribute("data-state", "error");
    await expect(failed.getByRole("alert")).toContainText("Answer interrupted.");
    await expect(failed.getByRole("alert")).toContainText("The partial answer above was kept.");
    await expect(failed.getByTestId("answer-text")).toContainText("word3");
  } finally {
    await setUpstream(e2eEnv("upstreamControlUrl"), {});
  }
  await page.getByRole("button", { name: "Retry" }).click();
  const retried = page.getByRole("article", { name: "Answer" }).nth(1);
  await expect(retried).toHaveAttribute("data-state", "complete");
  await expect(page.getByRole("article", { name: "Your message" }).nth(1)).toHaveText("this one will break");
});

test("a new chat the server could not store hands the text back and leaves no conversation behind", async ({ page, db }) => {
  await signIn(page, e2eEnv("userKey"));
  // Holds every message write back; the answer streams meanwhile.
  const locker = new pg.Client({ connectionString: e2eEnv("databaseUrl") });
  await locker.connect();
  let taken: string | null = null;
  try {
    await locker.query("BEGIN");
    await locker.query("LOCK TABLE messages IN SHARE MODE");
    await messageBox(page).fill("this one cannot be kept");
    await messageBox(page).press("Enter");
    await expect(page.getByRole("article", { name: "Answer" }).getByTestId("answer-text")).toContainText("Streaming");
    // The new chat's conversation id is in the address now; taking it first makes the held write fail.
    taken = new URL(page.url()).pathname.split("/").at(-1)!;
    const { rows } = await db.query<{ id: string }>("SELECT id FROM users ORDER BY created_at LIMIT 1");
    await locker.query("INSERT INTO conversations (id, user_id, title) VALUES ($1, $2, 'taken by the test')", [taken, rows[0]!.id]);
    await locker.query("COMMIT");
  } finally {
    await locker.end();
  }

  const notice = page.getByRole("alert").filter({ hasText: "Not sent." });
  await expect(notice).toContainText("The message could not be stored. Nothing from this chat was saved");
  await expect(notice).toContainText("Your message is still in the box.");
  await expect(messageBox(page)).toHaveValue("this one cannot be kept");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("article", { name: "Answer" })).toHaveCount(0);
  const stored = await db.query("SELECT 1 FROM messages WHERE content = 'this one cannot be kept'");
  expect(stored.rowCount).toBe(0);
  await db.query("DELETE FROM conversations WHERE id = $1", [taken]);
});

test("an unreachable server shows a banner, not a blank page", async ({ page }) => {
  await signIn(page, e2eEnv("userKey"));
  await page.route(/\/(trpc|health|chat)\b/, (route) => route.abort("connectionrefused"));
  await page.getByRole("link", { name: "Experiments" }).click();
  const banner = page.getByRole("alert").filter({ hasText: "Can't reach the PromptLab server" });
  await expect(banner).toBeVisible();
  await expect(page.getByRole("heading", { name: "Experiments" })).toBeVisible();

  await page.unroute(/\/(trpc|health|chat)\b/);
  await banner.getByRole("button", { name: "Retry now" }).click();
  await expect(banner).toBeHidden();
  await expect(page.locator('tr[data-variant="concise"]')).toBeVisible();
});
