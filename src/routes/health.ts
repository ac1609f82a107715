// GET /health: each dependency's state. 200 while PromptLab can serve chats
// (the sidecar only degrades estimates), 503 when the database or store is down.
import type { ServerResponse } from "node:http";
import type { AppDeps } from "../deps.ts";
import { sendJson } from "../http/respond.ts";

async function databaseUp(deps: AppDeps): Promise<boolean> {
  try {
    await deps.database.pool.query("SELECT 1");
    return true;
  } catch {
    return false;
  }
}

export function createHealthRoute(deps: AppDeps) {
  return async function health(res: ServerResponse): Promise<void> {
    const [database, store, sidecar] = await Promise.all([
      databaseUp(deps),
      deps.store.ping(),
      deps.tokenCounter.health(),
    ]);
    const serving = database && store;
    sendJson(
      res,
      serving ? 200 : 503,
      {
        status: serving ? (sidecar === "down" ? "degraded" : "ok") : "unavailable",
        checks: {
          database: database ? "ok" : "down",
          store: { kind: deps.store.kind, status: store ? "ok" : "down" },
          sidecar,
          provider: {
            name: deps.provider.name,
            simulated: deps.provider.name === "simulator",
            circuits: deps.provider.circuitStates?.() ?? {},
          },
        },
      },
      { "Cache-Control": "no-store" },
    );
  };
}
