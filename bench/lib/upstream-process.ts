// Child-process entry for the fake OpenAI upstream (the one the tests use), so
// it never shares an event loop with the server or the load generator. The
// parent configures it over IPC: { type: "configure", behaviour }.
import { DEFAULT_BEHAVIOUR, startFakeUpstream, type FakeUpstreamBehaviour } from "../../src/testing/fake-openai-upstream.ts";

export interface UpstreamSettings extends Partial<Omit<FakeUpstreamBehaviour, "chunkText">> {
  /** Characters per content chunk; the tests' short words when absent. */
  chunkChars?: number;
}

function behaviourOf(settings: UpstreamSettings): Partial<FakeUpstreamBehaviour> {
  const { chunkChars, ...rest } = settings;
  if (!chunkChars) return rest;
  const filler = "lorem ipsum dolor sit amet ".repeat(Math.ceil(chunkChars / 27) + 1);
  return { ...rest, chunkText: (index) => `${index} ${filler}`.slice(0, chunkChars) };
}

const upstream = await startFakeUpstream(behaviourOf(JSON.parse(process.env.UPSTREAM_SETTINGS ?? "{}") as UpstreamSettings), {
  h2c: process.env.UPSTREAM_H2C === "1",
});
// The fake records every request for tests to inspect; a benchmark would only grow memory with them.
setInterval(() => (upstream.requests.length = 0), 1_000);

process.on("message", (message: { type: string; settings?: UpstreamSettings }) => {
  if (message.type === "configure") {
    upstream.reset({ ...DEFAULT_BEHAVIOUR, ...behaviourOf(message.settings ?? {}) });
    process.send!({ type: "configured" });
  }
});
process.on("disconnect", () => process.exit(0));
process.send!({ type: "ready", baseURL: upstream.baseURL, h2cBaseURL: upstream.h2cBaseURL });
