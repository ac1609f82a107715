// Creating an experiment from the admin list: the server's field messages
// appear beside the fields they name, a fixed form creates a draft, and Start
// puts it live. It gets its own key, so the seeded experiment is untouched.
import { e2eEnv } from "./support/e2e-env.ts";
import { expect, saveFullScreenshot, signIn, test } from "./support/fixtures.ts";

test("an admin creates and starts an experiment, with field errors shown in place", async ({ page, db }) => {
  const key = `ui_created_${Date.now()}`;
  await signIn(page, e2eEnv("adminKey"));
  await page.getByRole("link", { name: "Admin" }).click();
  await page.getByRole("button", { name: "New experiment" }).click();
  const form = page.getByRole("form", { name: "New experiment" });
  await form.getByLabel("Experiment key").fill("Bad Key!");
  await form.getByLabel("Name", { exact: true }).fill("Greeting style");
  const first = form.getByRole("group", { name: "Variant 1" });
  const second = form.getByRole("group", { name: "Variant 2" });
  await first.getByLabel("System prompt").fill("Greet warmly.");
  await second.getByLabel("Variant key").fill("bold");
  await second.getByLabel("Traffic %").fill("60");
  await second.getByLabel("System prompt").fill("Greet boldly.");
  await expect(form.getByRole("status")).toHaveText("Traffic adds up to 110% (must be 100%)");
  await saveFullScreenshot(page, "admin-new-experiment-1280");
  await form.getByRole("button", { name: "Create experiment" }).click();

  await expect(form.getByLabel("Experiment key")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText("use lowercase letters, digits, _ and -")).toBeVisible();
  await expect(form.getByText("allocations must sum to 100 (they sum to 110)")).toBeVisible();

  await form.getByLabel("Experiment key").fill(key);
  await second.getByLabel("Traffic %").fill("50");
  await form.getByRole("button", { name: "Create experiment" }).click();

  await expect(page.getByRole("heading", { name: "Greeting style", level: 1 })).toBeVisible();
  await expect(page.getByTestId("experiment-status")).toHaveText("draft");
  await page.getByRole("button", { name: "Start" }).click();
  await page.getByRole("dialog", { name: "Start Greeting style?" }).getByRole("button", { name: "Start" }).click();
  await expect(page.getByTestId("experiment-status")).toHaveText("running");
  const { rows } = await db.query("SELECT status, version FROM experiments WHERE key = $1", [key]);
  expect(rows[0]).toEqual({ status: "running", version: 2 });

  await page.setViewportSize({ width: 390, height: 844 });
  await saveFullScreenshot(page, "admin-experiment-390");
  await page.getByRole("link", { name: "Admin" }).first().click();
  await expect(page.getByTestId(`admin-experiment-${key}`).getByTestId("experiment-status")).toHaveText("running");
  await saveFullScreenshot(page, "admin-list-390");
});
