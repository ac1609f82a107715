// The embedded default, as `npm start` runs it with nothing configured: an
// embedded PostgreSQL in a data folder, the in-process store, the sidecar as a
// child process and the simulator provider. A restart keeps the data.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { bootstrap, type Runtime } from "../bootstrap.ts";
import { parseConfig } from "../config.ts";
import { createLogger } from "../logger.ts";
import { bucketFor } from "../services/assignment.ts";
import { freePort } from "../testing/free-port.ts";
import { postJson } from "../testing/http-client.ts";
import { eventsNamed, only, readSse } from "../testing/sse-client.ts";
import { createUserWithKey } from "../testing/test-users.ts";

async function boot(dataDir: string, pgPort: number, sidecarPort: number) {
  const config = parseConfig({ DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), SIDECAR_PORT: String(sidecarPort), LOG_LEVEL: "silent" });
  const runtime = await bootstrap(config, createLogger({ level: "silent", pretty: false }));
  const server = createApp(runtime.deps);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { runtime, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function shutdown(server: Server, runtime: Runtime) {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await runtime.close();
}

describe("embedded default", () => {
  let dataDir = "";
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("serves chats from the simulator with no services configured, and keeps data across a restart", async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "promptlab-embedded-"));
    // mkdtemp makes it private; as root, PostgreSQL runs as the postgres user and must reach it.
    await chmod(dataDir, 0o755);
    const [pgPort, sidecarPort] = [await freePort(), await freePort()];

    const first = await boot(dataDir, pgPort, sidecarPort);
    let messageId = "";
    const lengths: Record<string, number> = {};
    try {
      expect(first.runtime.generatedAdminKey).toMatch(/^pl_[A-Za-z0-9_-]{43}$/);
      const health = (await (await fetch(`${first.url}/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({
        status: "ok",
        checks: { database: "ok", store: { kind: "memory", status: "ok" }, sidecar: "ok", provider: { name: "simulator", simulated: true } },
      });

      // One user per variant, to see that the simulator follows the system prompt.
      // Users are made until both variants have one: six at random missed one
      // variant about once in 32 runs; forty miss it once in 2^39.
      const db = first.runtime.deps.db;
      for (let made = 0; made < 40 && Object.keys(lengths).length < 2; made++) {
        const user = await createUserWithKey(db);
        const variant = bucketFor("system_prompt_style", user.id) < 50 ? "concise" : "detailed";
        if (lengths[variant] !== undefined) continue;
        const events = await readSse(await postJson(`${first.url}/chat`, { message: "How do I test prompts?" }, { "x-api-key": user.key }));
        const meta = only(events, "meta");
        expect(meta).toMatchObject({ provider: "simulator", variant });
        expect(only(events, "estimate")).toMatchObject({ estimate_source: "sidecar" });
        expect(eventsNamed(events, "delta").length).toBeGreaterThan(5);
        lengths[variant] = eventsNamed(events, "delta").map((e) => e.data.text).join("").length;
        messageId = meta.message_id as string;
        const stored = await db.message.findUniqueOrThrow({ where: { id: messageId } });
        expect(stored).toMatchObject({ provider: "simulator", status: "complete" });
      }
      expect(Object.keys(lengths).sort()).toEqual(["concise", "detailed"]);
      expect(lengths.detailed!).toBeGreaterThan(lengths.concise! * 2);
    } finally {
      await shutdown(first.server, first.runtime);
    }

    const second = await boot(dataDir, pgPort, sidecarPort);
    try {
      // Same admin, no new key printed; the earlier answer is still there.
      expect(second.runtime.generatedAdminKey).toBeNull();
      const stored = await second.runtime.deps.db.message.findUnique({ where: { id: messageId } });
      expect(stored?.provider).toBe("simulator");
      expect(await second.runtime.deps.db.user.count({ where: { role: "admin" } })).toBe(1);
    } finally {
      await shutdown(second.server, second.runtime);
    }
  }, 120_000);
});
