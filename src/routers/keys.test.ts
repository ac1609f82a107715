// Key rotation and revocation: a new key works at once, the old one keeps working
// through the overlap window and then stops; a revocation reaches every
// instance's auth cache within a second over Redis pub/sub.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Authenticator } from "../services/auth.ts";
import { RedisStore } from "../store/redis-store.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";
import { TEST_REDIS_URL } from "../testing/test-services.ts";
import { callerFor } from "../testing/trpc-caller.ts";
import { createUserWithKey } from "../testing/test-users.ts";

describe.skipIf(!inject("servicesAvailable"))("keys router", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("issues prefixed 256-bit keys shown once and stored only as a hash", async () => {
    const { key, record } = await callerFor(app.runtime.deps, TEST_USER_KEY).keys.create({ label: "ci" });
    expect(key).toMatch(/^pl_[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(record.prefix).toBe(key.slice(0, 8));
    expect(record).not.toHaveProperty("keyHash");
    const stored = await app.runtime.deps.db.apiKey.findUniqueOrThrow({ where: { id: record.id } });
    expect(stored.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(key);
    expect((await callerFor(app.runtime.deps, key).me()).name).toBe("Test User");
  });

  it("rotates with an overlap window: both keys work until the old one expires", async () => {
    const user = await createUserWithKey(app.runtime.deps.db);
    const rotated = await callerFor(app.runtime.deps, user.key).keys.rotate({ overlapHours: 0.0003 }); // about 1 s
    expect(rotated.replaced.expiresAt).not.toBeNull();
    await expect(callerFor(app.runtime.deps, user.key).me()).resolves.toMatchObject({ id: user.id });
    await expect(callerFor(app.runtime.deps, rotated.key).me()).resolves.toMatchObject({ id: user.id });
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    app.runtime.deps.auth.forget();
    await expect(callerFor(app.runtime.deps, user.key).me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(callerFor(app.runtime.deps, rotated.key).me()).resolves.toMatchObject({ id: user.id });
  });

  it("revokes on every instance within a second", async () => {
    const user = await createUserWithKey(app.runtime.deps.db);
    // A second instance: its own auth cache, listening on the same Redis.
    const otherStore = RedisStore.connect(TEST_REDIS_URL, app.redisPrefix);
    const other = new Authenticator(app.runtime.deps.database.pool);
    const stop = await other.listen(otherStore);
    try {
      await other.authenticate(user.key); // now cached there
      const [key] = await callerFor(app.runtime.deps, user.key).keys.list();
      const revokedAt = Date.now();
      await callerFor(app.runtime.deps, user.key).keys.revoke({ keyId: key!.id });
      await expect.poll(() => other.authenticate(user.key).then(() => "accepted", () => "refused"), { interval: 20, timeout: 1_000 }).toBe("refused");
      expect(Date.now() - revokedAt).toBeLessThan(1_000);
    } finally {
      await stop();
      await otherStore.close();
    }
  });

  it("keeps users to their own keys; admins may manage anyone's", async () => {
    const alice = await createUserWithKey(app.runtime.deps.db);
    const bob = await createUserWithKey(app.runtime.deps.db);
    const [aliceKey] = await callerFor(app.runtime.deps, alice.key).keys.list();
    await expect(callerFor(app.runtime.deps, bob.key).keys.revoke({ keyId: aliceKey!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(callerFor(app.runtime.deps, bob.key).keys.list({ userId: alice.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const admin = await createUserWithKey(app.runtime.deps.db, { role: "admin" });
    const issued = await callerFor(app.runtime.deps, admin.key).keys.create({ userId: alice.id, label: "by admin" });
    expect((await callerFor(app.runtime.deps, issued.key).me()).id).toBe(alice.id);
  });
});
