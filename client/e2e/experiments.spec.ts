// The experiment overview is read-only for everyone; only admins get the link
// to the admin screens.
import { e2eEnv } from "./support/e2e-env.ts";
import { expect, signIn, test } from "./support/fixtures.ts";

test("a regular user sees the experiments but no admin link", async ({ page }) => {
  await signIn(page, e2eEnv("userKey"));
  await page.getByRole("link", { name: "Experiments" }).click();
  await expect(page.getByRole("heading", { name: "System prompt style" })).toBeVisible();
  await expect(page.locator('[data-experiment="system_prompt_style"] tr[data-variant]')).toHaveCount(2);
  await expect(page.getByRole("link", { name: /admin/i })).toHaveCount(0);
});

test("an admin gets the admin link, which opens the experiments list", async ({ page }) => {
  await signIn(page, e2eEnv("adminKey"));
  await page.getByRole("link", { name: "Experiments" }).click();
  await page.getByRole("link", { name: "Manage in admin" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Admin", level: 1 })).toBeVisible();
  const row = page.getByTestId("admin-experiment-system_prompt_style");
  await expect(row.getByRole("link", { name: "System prompt style" })).toBeVisible();
  await expect(row.getByTestId("experiment-status")).toHaveText("running");
});
