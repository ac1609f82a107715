// Idempotent starting data: the seed README's test user (key test-key-123), an
// admin, and the `system_prompt_style` experiment with concise and detailed
// variants at 50/50, each with an active prompt version.
import type { Db } from "../db.ts";
import { displayPrefix, generateApiKey, hashApiKey } from "../services/api-keys.ts";

export const SEED_TEST_KEY = "test-key-123";
const SEED_LOCK = 72707370; // any constant distinct from Prisma's migration lock

export const SEED_PROMPTS = {
  concise: "You are a concise assistant. Answer in at most two short sentences, with no preamble.",
  detailed:
    "You are a detailed, thorough assistant. Explain step by step, with context, examples and a short summary at the end.",
};

async function ensureKey(db: Db, userId: string, key: string, label: string): Promise<void> {
  const keyHash = hashApiKey(key);
  const existing = await db.apiKey.findUnique({ where: { keyHash }, select: { userId: true } });
  if (!existing) await db.apiKey.create({ data: { userId, keyHash, prefix: displayPrefix(key), label } });
}

/** Returns the admin key when this call generated it, so the caller can show it once. */
export async function seedDatabase(
  db: Db,
  options: { adminApiKey?: string | undefined; model: string },
): Promise<{ generatedAdminKey: string | null }> {
  return db.$transaction(async (tx) => {
    // Two instances starting together must not both create the seed rows.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SEED_LOCK})`;
    const client = tx as unknown as Db;

    let testUser = await tx.user.findFirst({ where: { name: "Test User" }, select: { id: true } });
    testUser ??= await tx.user.create({ data: { name: "Test User" }, select: { id: true } });
    await ensureKey(client, testUser.id, SEED_TEST_KEY, "seed test key");

    let generatedAdminKey: string | null = null;
    let admin = await tx.user.findFirst({ where: { role: "admin" }, orderBy: { createdAt: "asc" }, select: { id: true } });
    if (!admin) {
      admin = await tx.user.create({ data: { name: "Admin", role: "admin" }, select: { id: true } });
      if (!options.adminApiKey) generatedAdminKey = generateApiKey();
    }
    const adminKey = options.adminApiKey ?? generatedAdminKey;
    if (adminKey) await ensureKey(client, admin.id, adminKey, "admin key");

    const experiment = await tx.experiment.findUnique({ where: { key: "system_prompt_style" }, select: { id: true } });
    if (!experiment) {
      const created = await tx.experiment.create({
        data: {
          key: "system_prompt_style",
          name: "System prompt style",
          description: "Does a concise or a detailed system prompt earn more thumbs up?",
          status: "running",
          variants: {
            create: [
              { key: "concise", allocation: 50, isControl: true },
              { key: "detailed", allocation: 50, isControl: false },
            ],
          },
        },
        select: { id: true, variants: { select: { id: true, key: true } } },
      });
      for (const variant of created.variants) {
        const version = await tx.promptVersion.create({
          data: {
            variantId: variant.id,
            version: 1,
            systemPrompt: SEED_PROMPTS[variant.key as keyof typeof SEED_PROMPTS],
            model: options.model,
            parameters: { temperature: 0.7, max_tokens: 512 },
            authorId: admin.id,
            note: "initial version",
          },
          select: { id: true },
        });
        await tx.variant.update({ where: { id: variant.id }, data: { activeVersionId: version.id } });
      }
      await tx.auditLog.create({
        data: {
          actorId: admin.id,
          action: "experiment.create",
          entityType: "experiment",
          entityId: created.id,
          experimentId: created.id,
          after: { variants: ["concise", "detailed"], allocation: [50, 50] },
          reason: "seed",
        },
      });
    }
    return { generatedAdminKey };
  });
}
