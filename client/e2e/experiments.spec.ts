// The experiment overview is read-only for everyone; only admins get the link
// to the admin screens, whose placeholder route exists.
import { e2eEnv } from "./support/e2e-env.ts";
import { expect, signIn, test } from "./support/fixtures.ts";

test("a regular user sees the experiments but no admin link", async ({ page }) => {
  await signIn(page, e2eEnv("userKey"));
  await page.getByRole("link", { name: "Experiments" }).click();
  await expect(page.getByRole("heading", { name: "System prompt style" })).toBeVisible();
  await expect(page.locator("tr[data-variant]")).toHaveCount(2);
  await expect(page.getByRole("link", { name: /admin/i })).toHaveCount(0);
});

test("an admin gets the admin link and its placeholder screen", async ({ page }) => {
  await signIn(page, e2eEnv("adminKey"));
  await page.getByRole("link", { name: "Experiments" }).click();
  await page.getByRole("link", { name: "Manage in admin" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Admin" })).toBeVisible();
  await expect(page.getByText("The admin screens are on their way")).toBeVisible();
});
