// Sign-in: a wrong key is refused plainly, the seeded key gets in, the session
// survives a reload, and sign-out returns to the sign-in screen.
import { expect, test } from "./support/fixtures.ts";

test("refuses a bad key, accepts test-key-123, keeps the session on reload, signs out", async ({ page }) => {
  await page.goto("/");
  const keyBox = page.getByLabel("API key");
  await keyBox.fill("pl_not_a_real_key");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("That API key was not accepted");
  await expect(keyBox).toHaveAttribute("aria-invalid", "true");

  await keyBox.fill("test-key-123");
  await keyBox.press("Enter");
  await expect(page.getByRole("banner")).toContainText("Test User");
  await expect(page.getByRole("heading", { name: "Start a conversation" })).toBeVisible();

  await page.reload();
  await expect(page.getByRole("banner")).toContainText("Test User");
  expect(await page.evaluate(() => sessionStorage.getItem("promptlab.apiKey"))).toBe("test-key-123");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You have signed out.")).toBeVisible();
  await expect(page.getByLabel("API key")).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem("promptlab.apiKey"))).toBeNull();
});
