// Issuing, rotating and revoking API keys. A new key is returned once, in full,
// and stored only as its SHA-256. Rotation issues a new key and gives the old one
// an expiry, so clients can switch over inside the overlap window.
import type { Db } from "../db.ts";
import { NotFoundError } from "../errors.ts";
import { displayPrefix, generateApiKey, hashApiKey } from "./api-keys.ts";

const KEY_FIELDS = {
  id: true,
  prefix: true,
  label: true,
  createdAt: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
} as const;

export function listApiKeys(db: Db, userId: string) {
  return db.apiKey.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, select: KEY_FIELDS });
}

export async function issueApiKey(db: Db, userId: string, options: { label?: string | undefined; expiresAt?: Date | undefined }) {
  const key = generateApiKey();
  const record = await db.apiKey.create({
    data: { userId, keyHash: hashApiKey(key), prefix: displayPrefix(key), label: options.label ?? null, expiresAt: options.expiresAt ?? null },
    select: KEY_FIELDS,
  });
  return { key, record };
}

/** New key now; the key being replaced stops working after the overlap. */
export async function rotateApiKey(db: Db, userId: string, replacedKeyId: string, overlapSeconds: number, label?: string) {
  return db.$transaction(async (tx) => {
    const client = tx as unknown as Db;
    const replaced = await tx.apiKey.findFirst({ where: { id: replacedKeyId, userId, revokedAt: null }, select: { id: true, expiresAt: true } });
    if (!replaced) throw new NotFoundError("No such active key.");
    const overlapEnds = new Date(Date.now() + overlapSeconds * 1000);
    // Never extend a key that was already due to expire sooner.
    const expiresAt = replaced.expiresAt && replaced.expiresAt < overlapEnds ? replaced.expiresAt : overlapEnds;
    const old = await tx.apiKey.update({ where: { id: replaced.id }, data: { expiresAt }, select: KEY_FIELDS });
    const issued = await issueApiKey(client, userId, { label });
    return { ...issued, replaced: old };
  });
}

export async function revokeApiKey(db: Db, userId: string, keyId: string) {
  const result = await db.apiKey.updateMany({ where: { id: keyId, userId, revokedAt: null }, data: { revokedAt: new Date() } });
  if (result.count === 0) throw new NotFoundError("No such active key.");
}
