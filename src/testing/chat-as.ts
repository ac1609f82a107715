// One chat through the real /chat route, returning its meta event.
import { postJson } from "./http-client.ts";
import { only, readSse } from "./sse-client.ts";

export async function chatMeta(
  app: { url: string },
  apiKey: string,
  experiment: string,
  message = "hello",
): Promise<Record<string, unknown>> {
  const response = await postJson(`${app.url}/chat`, { message, experiment }, { "x-api-key": apiKey });
  if (response.status !== 200) throw new Error(`chat failed with ${response.status}: ${await response.text()}`);
  return only(await readSse(response), "meta");
}
