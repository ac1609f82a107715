// The built-in simulator: PromptLab's embedded default when no LLM is configured,
// for demos and local use, never for judging prompts. It streams plausible text
// whose length and tone follow the system prompt, so a "concise" and a "detailed"
// variant differ visibly. Every message it serves records provider "simulator".
import type { CompletionEvent, CompletionRequest, LlmProvider } from "./provider.ts";
import type { StopSignalLike } from "../stop-signal.ts";

const CONCISE = /\b(concise|brief|short|terse|one sentence|succinct)\b/i;
const DETAILED = /\b(detailed|thorough|in depth|in-depth|comprehensive|step[- ]by[- ]step|elaborate)\b/i;
const FRIENDLY = /\b(friendly|warm|casual|playful)\b/i;

const OPENERS = {
  neutral: ["Here is the short answer.", "In brief:"],
  friendly: ["Great question!", "Happy to help!"],
};

const SENTENCES = [
  "The key idea is to break the problem into parts that can be checked on their own.",
  "A good first step is to state what a correct result looks like before changing anything.",
  "Measure the current behaviour, change one thing, and measure again.",
  "Most of the benefit comes from the simplest version done carefully.",
  "Edge cases matter: empty inputs, very long inputs and unusual characters.",
  "When in doubt, prefer the option that is easier to undo.",
  "It helps to compare against a baseline rather than judging a result in isolation.",
  "Small, frequent iterations beat large, rare ones because each is easier to evaluate.",
  "Write down the assumptions, since they are usually where surprises come from.",
  "Finally, keep the feedback loop short so that problems show up while they are cheap to fix.",
];

function pickSentences(topic: string, count: number): string[] {
  let seed = 0;
  for (const char of topic) seed = (seed * 31 + char.charCodeAt(0)) >>> 0;
  return Array.from({ length: count }, (_, i) => SENTENCES[(seed + i * 7) % SENTENCES.length] ?? "");
}

export function simulatedAnswer(systemPrompt: string, userMessage: string): string {
  const topic = userMessage.trim().replace(/\s+/g, " ").slice(0, 80) || "your question";
  const tone = FRIENDLY.test(systemPrompt) ? "friendly" : "neutral";
  // "Detailed" wins over "concise": a detailed prompt may still ask for a short summary.
  if (DETAILED.test(systemPrompt)) {
    const paragraphs = [
      `${OPENERS[tone][1]} Let's go through "${topic}" in detail.`,
      pickSentences(topic, 3).join(" "),
      pickSentences(topic + "b", 3).join(" "),
      `To summarise: ${pickSentences(topic + "c", 2).join(" ")}`,
    ];
    return paragraphs.join("\n\n");
  }
  if (CONCISE.test(systemPrompt)) {
    return `${OPENERS[tone][0]} On "${topic}": ${pickSentences(topic, 2).join(" ")}`;
  }
  return `About "${topic}": ${pickSentences(topic, 4).join(" ")}`;
}

/** Splits into word-sized pieces that keep their spacing, like a tokenizer stream. */
function pieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

function sleep(ms: number, signal: StopSignalLike): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export class SimulatorProvider implements LlmProvider {
  readonly name = "simulator";

  constructor(private readonly delayPerPieceMs = 25) {}

  async *stream(request: CompletionRequest): AsyncIterable<CompletionEvent> {
    const system = request.messages.find((turn) => turn.role === "system")?.content ?? "";
    const lastUser = [...request.messages].reverse().find((turn) => turn.role === "user")?.content ?? "";
    const all = pieces(simulatedAnswer(system, lastUser));
    const limit = request.parameters.maxTokens;
    const emitted = limit === undefined ? all : all.slice(0, limit);
    for (const piece of emitted) {
      await sleep(this.delayPerPieceMs, request.signal);
      yield { type: "delta", text: piece };
    }
    // No usage event: like many self-hosted servers, the simulator leaves counting to the tokenizer.
  }
}
