// Counts tokens for plain text and for chat messages. The chat framing follows
// OpenAI's cookbook ("How to count tokens with tiktoken") for current models.
// Runtime-dependency-free on purpose: the main server reuses countChatTokens
// with its own cheap estimator, so the framing cannot drift between the two.
import type { Tiktoken } from "tiktoken";

export type ChatMessage = { role: string; content: string; name?: string | undefined };

export type TextTokenCounter = (text: string) => number;

// Each message is wrapped as <|start|>{role/name}\n{content}<|end|>\n.
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
// Every reply is primed with <|start|>assistant<|message|>.
export const REPLY_PRIMING_TOKENS = 3;

/**
 * encode_ordinary treats "<|endoftext|>" and friends as plain text: user
 * prompts are untrusted, and plain encode() would throw on them.
 */
export function tiktokenTextCounter(encoder: Pick<Tiktoken, "encode_ordinary">): TextTokenCounter {
  return (text) => encoder.encode_ordinary(text).length;
}

export function countChatTokens(messages: readonly ChatMessage[], countText: TextTokenCounter): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countText(message.role) + countText(message.content);
    if (message.name !== undefined) total += TOKENS_PER_NAME + countText(message.name);
  }
  return total;
}
