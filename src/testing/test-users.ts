// Extra users for integration tests, created straight in the database.
import type { Db } from "../db.ts";
import { displayPrefix, generateApiKey, hashApiKey } from "../services/api-keys.ts";

export async function createUserWithKey(
  db: Db,
  options: { name?: string; role?: "user" | "admin"; rateLimitPerHour?: number } = {},
): Promise<{ id: string; key: string }> {
  const key = generateApiKey();
  const user = await db.user.create({
    data: {
      name: options.name ?? "Another User",
      role: options.role ?? "user",
      rateLimitPerHour: options.rateLimitPerHour ?? null,
      apiKeys: { create: { keyHash: hashApiKey(key), prefix: displayPrefix(key) } },
    },
    select: { id: true },
  });
  return { id: user.id, key };
}
