import { describe, expect, it } from "vitest";
import type { HistoryMessage } from "../api/trpc.ts";
import { buildChatItems } from "./chat-item.ts";
import { startTurn, withDelta, withEnd, withMeta } from "./live-turn.ts";
import type { MetaEvent } from "../api/chat-events.ts";

const meta = {
  conversation_id: "c1",
  user_message_id: "u1",
  message_id: "a1",
  variant: "concise",
  prompt_version: 2,
  provider: "openai",
  model: "gpt-4o-mini",
} as MetaEvent;

function stored(id: string, role: "user" | "assistant", extra: Partial<HistoryMessage> = {}): HistoryMessage {
  return {
    id,
    role,
    content: `${role} text`,
    status: "complete",
    provider: role === "assistant" ? "openai" : null,
    model: null,
    tokensIn: role === "assistant" ? 16 : null,
    tokensOut: role === "assistant" ? 96 : null,
    latencyMs: role === "assistant" ? 1700 : null,
    timeToFirstTokenMs: null,
    costUsd: role === "assistant" ? "0.0002" : null,
    experimentKey: null,
    variant: role === "assistant" ? "concise" : null,
    promptVersionId: role === "assistant" ? "pv1" : null,
    errorCode: null,
    createdAt: new Date(),
    rating: null,
    ...extra,
  } as HistoryMessage;
}

describe("buildChatItems", () => {
  const streaming = withDelta(withMeta(startTurn("t1", null, "question"), meta), "Hel");

  it("shows a live turn keyed by its message ids while it streams", () => {
    const items = buildChatItems([], [streaming], new Map());
    expect(items.map((item) => [item.key, item.state, item.content])).toEqual([
      ["u1", "complete", "question"],
      ["a1", "streaming", "Hel"],
    ]);
    expect(items[1]).toMatchObject({ variant: "concise", promptVersion: 2, ratable: false, metrics: null });
  });

  it("lets stored history replace the live copy without duplicates, keeping the key", () => {
    const history = [stored("u1", "user"), stored("a1", "assistant")];
    const items = buildChatItems(history, [streaming], new Map([["pv1", 2]]));
    expect(items.map((item) => item.key)).toEqual(["u1", "a1"]);
    expect(items[1]).toMatchObject({ promptVersion: 2, ratable: true, metrics: { tokensIn: 16, tokensOut: 96, costUsd: "0.0002" } });
  });

  it("keeps a stopped answer on screen until history has stored it", () => {
    const stopped = withEnd(streaming, { kind: "stopped" });
    const items = buildChatItems([stored("u1", "user")], [stopped], new Map());
    expect(items.map((item) => [item.key, item.state])).toEqual([
      ["u1", "complete"],
      ["a1", "incomplete"],
    ]);
  });

  it("offers the question again for a failed stored answer", () => {
    const history = [stored("u1", "user", { content: "why?" }), stored("a1", "assistant", { status: "error", errorCode: "upstream_error" })];
    const [, failed] = buildChatItems(history, [], new Map());
    expect(failed).toMatchObject({ retryText: "why?", errorText: "The model provider failed while answering." });
  });
});
