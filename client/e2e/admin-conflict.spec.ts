// Two admins at once: this page still shows the configuration version it
// loaded when another admin's change lands first, so its Pause is refused with
// the server's 409 message; the page reloads the new version and the same
// dialog then goes through.
import type { Route } from "@playwright/test";
import { adminClient } from "./support/api.ts";
import { e2eEnv } from "./support/e2e-env.ts";
import { expect, signIn, test } from "./support/fixtures.ts";
import { seededExperiment } from "./support/seed-state.ts";

test("a stale Pause gets the 409 message, the page reloads, and the retry succeeds", async ({ page }) => {
  const detail = await seededExperiment();
  try {
    await signIn(page, e2eEnv("adminKey"));
    await page.goto(`/admin/experiments/${detail.id}`);
    await expect(page.getByTestId("config-version")).toHaveText(`config v${detail.version}`);

    // Hold this page's refreshes, so it keeps showing the version it loaded.
    const held: Route[] = [];
    await page.route(/\/trpc\/[^?]*admin\.experiments\.get/, (route) => void held.push(route));
    await page.getByRole("button", { name: "Pause" }).click();
    const dialog = page.getByRole("dialog", { name: "Pause System prompt style?" });
    await dialog.getByLabel("Reason").fill("e2e: checking a conflict");

    const other = await adminClient().admin.experiments.setGuardrails.mutate({ experimentId: detail.id, expectedVersion: detail.version, guardrails: {} });
    await dialog.getByRole("button", { name: "Pause" }).click();
    await expect(dialog.getByRole("alert")).toContainText(`changed since version ${detail.version}`);

    // Removing the route lets the held refreshes through.
    await page.unroute(/\/trpc\/[^?]*admin\.experiments\.get/);
    expect(held.length).toBeGreaterThan(0);
    await expect(page.getByTestId("config-version")).toHaveText(`config v${other.version}`);
    await dialog.getByRole("button", { name: "Pause" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("experiment-status")).toHaveText("paused");
  } finally {
    const now = await seededExperiment();
    if (now.status === "paused") await adminClient().admin.experiments.resume.mutate({ experimentId: now.id, expectedVersion: now.version, reason: "e2e: restore" });
  }
});
