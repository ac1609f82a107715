import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { postJson } from "../testing/http-client.ts";
import { readSse } from "../testing/sse-client.ts";
import { startTestApp, TEST_ADMIN_KEY, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";
import { callerFor } from "../testing/trpc-caller.ts";
import { createUserWithKey } from "../testing/test-users.ts";

describe.skipIf(!inject("servicesAvailable"))("me", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("tells the seeded user and admin who they are", async () => {
    expect(await callerFor(app.runtime.deps, TEST_USER_KEY).me()).toMatchObject({
      name: "Test User",
      role: "user",
      rateLimit: { limit: 100, remaining: 100 },
    });
    expect(await callerFor(app.runtime.deps, TEST_ADMIN_KEY).me()).toMatchObject({ role: "admin" });
  });

  it("reports the per-user limit and what chats have used of it", async () => {
    const user = await createUserWithKey(app.runtime.deps.db, { rateLimitPerHour: 7 });
    await readSse(await postJson(`${app.url}/chat`, { message: "one" }, { "x-api-key": user.key }));
    const me = await callerFor(app.runtime.deps, user.key).me();
    expect(me.rateLimit).toMatchObject({ limit: 7, remaining: 6 });
    expect(new Date(me.rateLimit.resetAt).getUTCMinutes()).toBe(0);
  });

  it("rejects a revoked or expired key like an unknown one", async () => {
    const db = app.runtime.deps.db;
    const revoked = await createUserWithKey(db);
    const expired = await createUserWithKey(db);
    await db.apiKey.updateMany({ where: { userId: revoked.id }, data: { revokedAt: new Date() } });
    await db.apiKey.updateMany({ where: { userId: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    for (const key of [revoked.key, expired.key, "pl_never_issued_key_000000"]) {
      await expect(callerFor(app.runtime.deps, key).me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
  });
});
