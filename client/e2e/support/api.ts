// Talking to the running server from a spec, outside the browser: chat through
// POST /chat (reading its SSE body), rate through POST /feedback, call tRPC
// procedures with a typed client, and make users whose id lands in a wanted
// variant. Specs use these to set up state fast and to restore it afterwards.
import { createTRPCClient, httpLink } from "@trpc/client";
import type { MetaEvent, DoneEvent } from "../../api/chat-events.ts";
import type { AppRouter } from "../../../src/trpc/router.ts";
import { connectDatabase } from "../../../src/db.ts";
import { bucketFor } from "../../../src/services/assignment.ts";
import { createUserWhere } from "../../../src/testing/experiment-fixtures.ts";
import { e2eEnv } from "./e2e-env.ts";

export const EXPERIMENT = "system_prompt_style";

export function apiClient(key: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${e2eEnv("baseUrl")}/trpc`, headers: { "x-api-key": key } })],
  });
}

export function adminClient() {
  return apiClient(e2eEnv("adminKey"));
}

function eventsOf(body: string): Array<{ event: string; data: unknown }> {
  return body
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((line) => line.startsWith("event: "))?.slice(7) ?? "message";
      const data = lines
        .filter((line) => line.startsWith("data: "))
        .map((line) => line.slice(6))
        .join("\n");
      return { event, data: data ? (JSON.parse(data) as unknown) : null };
    });
}

/** One whole chat through POST /chat; throws unless it ends with `done`. */
export async function chatViaApi(key: string, message: string): Promise<{ meta: MetaEvent; done: DoneEvent }> {
  const response = await fetch(`${e2eEnv("baseUrl")}/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key },
    body: JSON.stringify({ message }),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`POST /chat answered ${response.status}: ${body}`);
  const events = eventsOf(body);
  const meta = events.find((event) => event.event === "meta")?.data as MetaEvent | undefined;
  const done = events.find((event) => event.event === "done")?.data as DoneEvent | undefined;
  if (!meta || !done) throw new Error(`POST /chat did not finish: ${body.slice(0, 500)}`);
  return { meta, done };
}

export async function rateViaApi(key: string, messageId: string, rating: 1 | -1): Promise<void> {
  const response = await fetch(`${e2eEnv("baseUrl")}/feedback`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key },
    body: JSON.stringify({ message_id: messageId, rating }),
  });
  if (!response.ok) throw new Error(`POST /feedback answered ${response.status}: ${await response.text()}`);
}

/** The seeded experiment's variant for a user while it runs 50/50: concise (control) below bucket 50. */
export function seededVariantOf(userId: string): "concise" | "detailed" {
  return bucketFor(EXPERIMENT, userId) < 50 ? "concise" : "detailed";
}

/** A new user (with a key) that the seeded experiment assigns to `variant`. */
export async function createUserIn(variant: "concise" | "detailed", name: string): Promise<{ id: string; key: string }> {
  const database = connectDatabase(e2eEnv("databaseUrl"), { poolSize: 1 });
  try {
    return await createUserWhere(database.prisma, (id) => seededVariantOf(id) === variant, name);
  } finally {
    await database.close();
  }
}
