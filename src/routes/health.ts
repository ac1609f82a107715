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
    // With Redis down the limiter counts in-process (policy "fallback"): degraded, still serving.
    const storeFallback = !store && deps.config.RATE_LIMIT_ON_STORE_FAILURE === "fallback";
    const serving = database && (store || storeFallback);
    const degraded = sidecar === "down" || !store || deps.rateLimiter.degraded;
    sendJson(
      res,
      serving ? 200 : 503,
      {
        status: serving ? (degraded ? "degraded" : "ok") : "unavailable",
        checks: {
          database: database ? "ok" : "down",
          store: { kind: deps.store.kind, status: store ? "ok" : "down" },
          rate_limiter: deps.rateLimiter.degraded ? "in-process fallback" : "ok",
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
