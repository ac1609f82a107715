// "Why this answer?": under an admin's answer, the link opens the exact
// prompt version, model and parameters behind it, as stored for that message.
import { e2eEnv } from "./support/e2e-env.ts";
import { expect, sendMessage, signIn, storedMessage, test } from "./support/fixtures.ts";

test("an admin traces an answer to the prompt version that produced it", async ({ page, db }) => {
  await signIn(page, e2eEnv("adminKey"));
  const answer = await sendMessage(page, "where does this answer come from?");
  await expect(answer).toHaveAttribute("data-state", "complete");
  const messageId = (await answer.getAttribute("data-message-id"))!;
  await storedMessage(db, messageId);
  const { rows } = await db.query(
    "SELECT pv.version, pv.system_prompt, pv.model, m.variant FROM messages m JOIN prompt_versions pv ON pv.id = m.prompt_version_id WHERE m.id = $1",
    [messageId],
  );
  const stored = rows[0] as { version: number; system_prompt: string; model: string; variant: string };

  await answer.getByRole("link", { name: "Why this answer?" }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/messages/${messageId}$`));
  await expect(page.getByTestId("provenance-version")).toHaveText(`v${stored.version}`);
  await expect(page.getByTestId("provenance-prompt")).toHaveText(stored.system_prompt);
  await expect(page.getByRole("link", { name: `system_prompt_style / ${stored.variant}` })).toBeVisible();
  await expect(page.getByTestId("fallback")).toHaveText("no");
  await expect(page.getByRole("region", { name: "Turns sent upstream" }).locator(".turn")).toHaveCount(2);
});
