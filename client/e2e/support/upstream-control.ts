// A small HTTP endpoint beside the fake upstream so specs, which run in worker
// processes, can make it fail mid-stream and then put it back.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeUpstream, FakeUpstreamBehaviour } from "../../../src/testing/fake-openai-upstream.ts";

/** The behaviour fields that survive JSON, i.e. everything but chunkText. */
export type UpstreamOverrides = Partial<Pick<FakeUpstreamBehaviour, "dropAfterChunks" | "failStatus" | "delayBetweenMs" | "delayBeforeFirstMs">>;

export async function startUpstreamControl(
  upstream: FakeUpstream,
  baseline: Partial<FakeUpstreamBehaviour>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const body: Buffer[] = [];
    for await (const chunk of req) body.push(chunk as Buffer);
    const overrides = JSON.parse(Buffer.concat(body).toString("utf8") || "{}") as UpstreamOverrides;
    upstream.reset({ ...baseline, ...overrides });
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** From a spec: change the upstream's behaviour; `{}` restores the baseline. */
export async function setUpstream(controlUrl: string, overrides: UpstreamOverrides): Promise<void> {
  const response = await fetch(controlUrl, { method: "POST", body: JSON.stringify(overrides) });
  if (!response.ok) throw new Error(`upstream control answered ${response.status}`);
}
