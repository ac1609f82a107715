// Reproducibility: given a message id, the exact prompt version (system prompt,
// model, parameters) that produced it, who wrote that version and when, what
// actually served it (provider, model, fallback), and the turns sent upstream,
// rebuilt from the conversation the way the chat service builds them.
import type { Db } from "../db.ts";
import { NotFoundError } from "../errors.ts";
import { parametersFromJson, type ChatTurn } from "./llm/provider.ts";
import type { PromptParameters } from "./prompt-registry.ts";

export async function messageProvenance(db: Db, messageId: string, maxHistoryMessages: number) {
  const message = await db.message.findUnique({
    where: { id: messageId },
    select: {
      id: true,
      conversationId: true,
      role: true,
      status: true,
      provider: true,
      model: true,
      fallback: true,
      experimentKey: true,
      variant: true,
      traceId: true,
      tokensIn: true,
      tokensOut: true,
      latencyMs: true,
      costUsd: true,
      createdAt: true,
      promptVersion: {
        select: {
          id: true,
          version: true,
          systemPrompt: true,
          model: true,
          parameters: true,
          note: true,
          createdAt: true,
          author: { select: { id: true, name: true } },
          variant: { select: { id: true, key: true, experiment: { select: { id: true, key: true } } } },
        },
      },
    },
  });
  if (!message) throw new NotFoundError("No such message.");

  // The user's turn of this exchange is stored first, with the same trace id.
  const question =
    message.role === "assistant"
      ? await db.message.findFirst({
          where: { conversationId: message.conversationId, role: "user", traceId: message.traceId, createdAt: { lte: message.createdAt } },
          orderBy: { createdAt: "desc" },
          select: { id: true, content: true, createdAt: true },
        })
      : await db.message.findUnique({ where: { id: message.id }, select: { id: true, content: true, createdAt: true } });
  const history = question
    ? await db.message.findMany({
        where: {
          conversationId: message.conversationId,
          role: { in: ["user", "assistant"] },
          content: { not: "" },
          createdAt: { lt: question.createdAt },
        },
        orderBy: { createdAt: "desc" },
        take: maxHistoryMessages,
        select: { role: true, content: true },
      })
    : [];

  const { promptVersion: version, ...served } = message;
  const turns: ChatTurn[] | null =
    version && question
      ? [
          { role: "system", content: version.systemPrompt },
          ...history.reverse().map((turn) => ({ role: turn.role, content: turn.content })),
          { role: "user", content: question.content },
        ]
      : null;

  return {
    message: { ...served, costUsd: served.costUsd?.toFixed(10) ?? null },
    promptVersion: version
      ? {
          id: version.id,
          version: version.version,
          systemPrompt: version.systemPrompt,
          model: version.model,
          parameters: version.parameters as PromptParameters,
          note: version.note,
          createdAt: version.createdAt,
          author: version.author,
          variant: { id: version.variant.id, key: version.variant.key },
          experiment: version.variant.experiment,
        }
      : null,
    /** The parameters as sent to the provider. */
    sentParameters: version ? parametersFromJson(version.parameters) : null,
    /** Rebuilt with the current MAX_HISTORY_MESSAGES; null without a prompt version. */
    turns,
  };
}
