// A regular user cannot use the admin screens or the admin procedures: the
// screens say the admin role is needed and show no admin control (and the
// page never calls an admin procedure), direct calls answer 403, and the
// experiment is unchanged in the database.
import { EXPERIMENT } from "./support/api.ts";
import { expect, signIn, test } from "./support/fixtures.ts";

const USER_KEY = "test-key-123";

test("a non-admin cannot open the admin screens or call the admin procedures", async ({ page, db }) => {
  const before = (await db.query("SELECT id, version, killed_at FROM experiments WHERE key = $1", [EXPERIMENT])).rows[0];
  const adminCalls: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/trpc/admin.")) adminCalls.push(request.url());
  });

  await signIn(page, USER_KEY);
  await expect(page.getByRole("link", { name: "Admin" })).toHaveCount(0);
  for (const path of ["/admin", `/admin/experiments/${before.id}`, `/admin/audit?experiment=${before.id}`]) {
    await page.goto(path);
    await expect(page.getByRole("status").filter({ hasText: "needs the admin role" })).toBeVisible();
    await expect(page.getByRole("button", { name: /kill switch|new experiment|publish|roll back/i })).toHaveCount(0);
    await expect(page.getByRole("table")).toHaveCount(0);
  }
  expect(adminCalls, "the screens made admin calls for a regular user").toEqual([]);

  const statuses = await page.evaluate(
    async ({ key, experimentId }) => {
      const list = await fetch("/trpc/admin.experiments.list", { headers: { "x-api-key": key } });
      const kill = await fetch("/trpc/admin.experiments.kill", {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({ experimentId, reason: "a user trying the kill switch" }),
      });
      return [list.status, kill.status];
    },
    { key: USER_KEY, experimentId: before.id as string },
  );
  expect(statuses).toEqual([403, 403]);

  const after = (await db.query("SELECT id, version, killed_at FROM experiments WHERE key = $1", [EXPERIMENT])).rows[0];
  expect(after).toEqual(before);
});
