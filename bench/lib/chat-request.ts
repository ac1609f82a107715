// The one question the latency and throughput benchmarks ask, as PromptLab's
// POST /chat body and as the same streamed completion sent straight to the
// upstream (the baseline side), so both sides carry the same prompt.
export const QUESTION = "Explain in two sentences why prompt changes should be tested on live traffic.";

export const PROMPTLAB_CHAT_BODY = JSON.stringify({ message: QUESTION });

export const DIRECT_COMPLETION_BODY = JSON.stringify({
  model: "gpt-4o-mini",
  messages: [
    { role: "system", content: "You are a helpful assistant. Answer briefly." },
    { role: "user", content: QUESTION },
  ],
  stream: true,
  stream_options: { include_usage: true },
});
