// Publishing from the UI: an admin writes a new version of the test user's
// variant and publishes it; the user's next answer says `· vN` and the stored
// message points at the version with that prompt.
import { chatViaApi } from "./support/api.ts";
import { e2eEnv } from "./support/e2e-env.ts";
import { expect, sendMessage, signIn, storedMessage, test } from "./support/fixtures.ts";
import { restoreSeedPrompt } from "./support/seed-state.ts";

const PROMPT = "PUBLISHED-V2";

test("a version published from the versions screen serves the next chat", async ({ page, context, db }) => {
  const userKey = e2eEnv("userKey");
  const first = await chatViaApi(userKey, "which variant am I in?");
  const variant = (await storedMessage(db, first.meta.message_id)).variant!;
  try {
    await signIn(page, e2eEnv("adminKey"));
    await page.getByRole("link", { name: "Admin" }).click();
    await page.getByRole("link", { name: "System prompt style" }).click();
    await expect(page.getByRole("heading", { name: "System prompt style", level: 1 })).toBeVisible();
    await page.getByRole("link", { name: `Prompt versions of ${variant}` }).click();
    await expect(page.getByRole("heading", { name: `Prompt versions of ${variant}` })).toBeVisible();

    await page.getByRole("button", { name: "New version" }).click();
    await expect(page.getByRole("textbox", { name: "System prompt" })).not.toHaveValue("");
    await page.getByRole("textbox", { name: "System prompt" }).fill(PROMPT);
    await page.getByLabel("Note (optional)").fill("e2e publish");
    await page.getByRole("button", { name: "Create version" }).click();
    const newest = page.locator("article.version-card").first();
    await expect(newest.getByTestId("system-prompt")).toHaveText(PROMPT);
    const number = Number(await newest.getAttribute("data-version"));
    expect(number).toBeGreaterThan(1);
    await expect(page.getByTestId("version-diff")).toContainText(PROMPT);

    await newest.getByRole("button", { name: "Publish" }).click();
    const dialog = page.getByRole("dialog", { name: `Publish v${number} of ${variant}?` });
    await dialog.getByRole("button", { name: "Publish" }).click();
    await expect(dialog).toBeHidden();
    await expect(newest.getByText("Active", { exact: true })).toBeVisible();

    const userPage = await context.newPage();
    await signIn(userPage, userKey);
    const answer = await sendMessage(userPage, "answer with the new prompt");
    await expect(answer).toHaveAttribute("data-state", "complete");
    await expect(answer.getByTestId("variant-badge")).toHaveText(`${variant} · v${number}`);
    const messageId = (await answer.getAttribute("data-message-id"))!;
    await storedMessage(db, messageId);
    const { rows } = await db.query(
      "SELECT pv.system_prompt, pv.version FROM messages m JOIN prompt_versions pv ON pv.id = m.prompt_version_id WHERE m.id = $1",
      [messageId],
    );
    expect(rows[0]).toEqual({ system_prompt: PROMPT, version: number });
  } finally {
    await restoreSeedPrompt(variant);
  }
});
