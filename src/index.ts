// PromptLab's entry point: read config, build the system, listen, and shut down
// gracefully on SIGTERM/SIGINT (stop accepting, let streams finish up to a
// deadline, close pools).
import { createApp } from "./app.ts";
import { bootstrap } from "./bootstrap.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./logger.ts";

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger({ level: config.LOG_LEVEL });
  const runtime = await bootstrap(config, log);
  if (runtime.generatedAdminKey) {
    // Shown once: only its hash is stored.
    process.stdout.write(
      `\n  Admin API key (shown once, store it now): ${runtime.generatedAdminKey}\n  Test user key: test-key-123\n\n`,
    );
  }

  const server = createApp(runtime.deps);
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  log.info(
    { port: config.PORT, host: config.HOST, store: runtime.deps.store.kind, provider: runtime.deps.provider.name },
    `PromptLab listening on http://localhost:${config.PORT}`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, in_flight: runtime.deps.lifecycle.inFlight }, "shutting down: no new connections");
    // Stop accepting; idle keep-alive sockets close now, busy ones after their response.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const { stopped } = await runtime.deps.lifecycle.drain(config.SHUTDOWN_DEADLINE_MS);
    if (stopped > 0) log.warn({ stopped }, "ended chat streams still running at the shutdown deadline");
    // Short requests still being answered get a moment; then every socket goes.
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1_000))]);
    server.closeAllConnections();
    await closed;
    // Flushes queued writes and closes the pools, in reverse order of start.
    await runtime.close();
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  process.stderr.write(`PromptLab failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
