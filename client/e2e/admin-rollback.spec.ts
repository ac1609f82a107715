// Rolling back from the UI: with a newer version published, "Roll back to
// this" on v1 needs a reason before it can be confirmed; the test user's next
// answer is v1 again with the seed's prompt behind it (the provenance screen
// shows it), and the audit log records the rollback with its reason.
import { SEED_PROMPTS } from "../../src/db/seed.ts";
import { chatViaApi } from "./support/api.ts";
import { e2eEnv } from "./support/e2e-env.ts";
import { expect, saveFullScreenshot, sendMessage, signIn, storedMessage, test } from "./support/fixtures.ts";
import { publishVersion, restoreSeedPrompt, seededExperiment } from "./support/seed-state.ts";

const REASON = "e2e: the new prompt rambles, back to v1";

test("rolling back to v1 from the UI serves the seed's prompt again and is audited", async ({ page, context, db }) => {
  const userKey = e2eEnv("userKey");
  const first = await chatViaApi(userKey, "which variant am I in?");
  const variant = (await storedMessage(db, first.meta.message_id)).variant as keyof typeof SEED_PROMPTS;
  const published = await publishVersion(variant, "ROLLBACK-ME: a prompt that will be rolled back");
  try {
    const detail = await seededExperiment();
    const variantId = detail.variants.find((candidate) => candidate.key === variant)!.id;
    await signIn(page, e2eEnv("adminKey"));
    await page.goto(`/admin/experiments/${detail.id}/variants/${variantId}`);
    const v1 = page.getByRole("article", { name: "Version 1" });
    await expect(page.getByRole("article", { name: `Version ${published}` }).getByText("Active", { exact: true })).toBeVisible();
    await saveFullScreenshot(page, "admin-versions-1280");

    await v1.getByRole("button", { name: "Roll back to this" }).click();
    const dialog = page.getByRole("dialog", { name: `Roll back ${variant} to v1?` });
    const confirm = dialog.getByRole("button", { name: "Roll back" });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel("Reason").fill("no");
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel("Reason").fill(REASON);
    await expect(confirm).toBeEnabled();
    await confirm.click();
    await expect(dialog).toBeHidden();
    await expect(v1.getByText("Active", { exact: true })).toBeVisible();

    const userPage = await context.newPage();
    await signIn(userPage, userKey);
    const answer = await sendMessage(userPage, "answer with the old prompt");
    await expect(answer).toHaveAttribute("data-state", "complete");
    await expect(answer.getByTestId("variant-badge")).toHaveText(`${variant} · v1`);
    const messageId = (await answer.getAttribute("data-message-id"))!;
    await storedMessage(db, messageId);
    const { rows } = await db.query("SELECT pv.system_prompt FROM messages m JOIN prompt_versions pv ON pv.id = m.prompt_version_id WHERE m.id = $1", [messageId]);
    expect(rows[0].system_prompt).toBe(SEED_PROMPTS[variant]);

    // The answer's provenance, as an admin sees it.
    await page.goto(`/admin/messages/${messageId}`);
    await expect(page.getByTestId("provenance-version")).toHaveText("v1");
    await expect(page.getByTestId("provenance-prompt")).toHaveText(SEED_PROMPTS[variant]);

    await page.goto(`/admin/experiments/${detail.id}`);
    await page.getByRole("link", { name: "Audit log" }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/audit\\?experiment=${detail.id}$`));
    const entry = page.getByTestId("audit-entry").filter({ has: page.getByTestId("audit-action").getByText("prompt.rollback", { exact: true }) }).first();
    await expect(entry.getByTestId("audit-reason")).toHaveText(REASON);
    await entry.getByText("Before / after").click();
    await expect(entry.locator("pre").last()).toContainText('"activeVersion": 1');
    await saveFullScreenshot(page, "admin-audit-1280");
  } finally {
    await restoreSeedPrompt(variant);
  }
});
