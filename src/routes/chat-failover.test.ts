// Provider failover seen from the chat route: the message records the provider
// and model that actually answered, and that a fallback happened.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { priceCall } from "../../sidecar/pricing.ts";
import { startFakeUpstream, type FakeUpstream } from "../testing/fake-openai-upstream.ts";
import { postJson } from "../testing/http-client.ts";
import { only, readSse } from "../testing/sse-client.ts";
import { startTestApp, TEST_USER_KEY, type TestApp } from "../testing/test-app.ts";

describe.skipIf(!inject("servicesAvailable"))("POST /chat with a failing primary provider", () => {
  let app: TestApp;
  let secondary: FakeUpstream;
  beforeAll(async () => {
    secondary = await startFakeUpstream();
    app = await startTestApp({
      upstream: { failStatus: 503 },
      env: { LLM_FALLBACK_BASE_URL: secondary.baseURL, LLM_FALLBACK_MODEL: "gpt-4o", LLM_FALLBACK_NAME: "backup", LLM_MAX_ATTEMPTS: "2" },
    });
  });
  afterAll(async () => {
    await app?.close();
    await secondary?.close();
  });

  it("answers from the secondary and records provider, model and fallback", async () => {
    const events = await readSse(await postJson(`${app.url}/chat`, { message: "are you there?" }, { "x-api-key": TEST_USER_KEY }));
    const done = only(events, "done");
    expect(done).toMatchObject({ status: "complete", provider: "backup", model: "gpt-4o", fallback: true });
    expect(app.upstream.requests).toHaveLength(2); // retried once before failing over
    const stored = await app.runtime.deps.db.message.findUniqueOrThrow({ where: { id: done.message_id as string } });
    expect(stored).toMatchObject({ provider: "backup", model: "gpt-4o", fallback: true, status: "complete" });
    expect(stored.costUsd?.toFixed(10)).toBe(priceCall("gpt-4o", 21, 5)!.costUsd);
  });

  it("reports each provider's circuit in /health", async () => {
    const health = (await (await fetch(`${app.url}/health`)).json()) as { checks: { provider: { circuits: Record<string, string> } } };
    expect(health.checks.provider.circuits).toEqual({ openai: "closed", backup: "closed" });
  });
});
