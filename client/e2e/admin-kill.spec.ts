// The kill switch from the UI: a user assigned to the treatment ("detailed")
// is served control ("concise") right after an admin kills the experiment,
// with the stored message saying so, and the treatment again after Resume.
import { createUserIn } from "./support/api.ts";
import { e2eEnv } from "./support/e2e-env.ts";
import { expect, saveFullScreenshot, sendMessage, signIn, storedMessage, test } from "./support/fixtures.ts";
import { liftKillSwitch, seededExperiment } from "./support/seed-state.ts";

test("the kill switch sends a treatment user to control until Resume", async ({ page, context, db }) => {
  const user = await createUserIn("detailed", "Kill Switch User");
  const detail = await seededExperiment();
  const userPage = await context.newPage();
  await signIn(userPage, user.key);
  const before = await sendMessage(userPage, "before the kill switch");
  await expect(before.getByTestId("variant-badge")).toHaveText(/^detailed\b/);

  try {
    await signIn(page, e2eEnv("adminKey"));
    await page.goto(`/admin/experiments/${detail.id}`);
    await expect(page.locator('[data-variant="detailed"]').getByTestId("live-messages")).not.toHaveText("0");
    await saveFullScreenshot(page, "admin-experiment-1280");
    // By keyboard: the dialog takes focus, Escape cancels and gives focus back.
    const killSwitch = page.getByRole("button", { name: "Kill switch" });
    await killSwitch.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Kill System prompt style?" });
    await expect(dialog.getByLabel("Reason")).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(killSwitch).toBeFocused();

    await killSwitch.click();
    await expect(dialog.getByRole("button", { name: "Kill experiment" })).toBeDisabled();
    await dialog.getByLabel("Reason").fill("e2e: approval is falling, stop the treatment");
    await dialog.getByRole("button", { name: "Kill experiment" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("killed-badge")).toHaveText("KILLED");

    const killed = await sendMessage(userPage, "during the kill switch");
    await expect(killed.getByTestId("variant-badge")).toHaveText(/^concise\b/);
    expect((await storedMessage(db, (await killed.getAttribute("data-message-id"))!)).variant).toBe("concise");

    await page.getByRole("button", { name: "Resume" }).click();
    await page.getByRole("dialog", { name: "Resume System prompt style?" }).getByRole("button", { name: "Resume" }).click();
    await expect(page.getByTestId("killed-badge")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Kill switch" })).toBeVisible();

    const resumed = await sendMessage(userPage, "after resume");
    await expect(resumed.getByTestId("variant-badge")).toHaveText(/^detailed\b/);
  } finally {
    await liftKillSwitch();
  }
});
