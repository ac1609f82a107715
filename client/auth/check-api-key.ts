// Checks a candidate key with `me` before the app trusts it. A one-off client,
// because the app's client is bound to a key that has already been accepted.
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import type { AppRouter } from "../../src/trpc/router.ts";
import type { Me } from "../api/trpc.ts";
import { trackedFetch } from "../api/tracked-fetch.ts";

export type KeyCheck = { ok: true; me: Me } | { ok: false; reason: "rejected" | "unreachable" | "server" };

export async function checkApiKey(apiKey: string): Promise<KeyCheck> {
  const client = createTRPCClient<AppRouter>({
    links: [httpLink({ url: "/trpc", fetch: trackedFetch, headers: { "x-api-key": apiKey } })],
  });
  try {
    return { ok: true, me: await client.me.query() };
  } catch (error) {
    const status = error instanceof TRPCClientError ? (error.data as { httpStatus?: number } | undefined)?.httpStatus : undefined;
    if (status === 401) return { ok: false, reason: "rejected" };
    if (status === undefined) return { ok: false, reason: "unreachable" };
    return { ok: false, reason: "server" };
  }
}
