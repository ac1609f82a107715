// Vitest global setup: checks that PostgreSQL and Redis answer before any test
// runs. Under CI=true an unreachable service fails the run; elsewhere the
// integration tests are skipped with a clear message.
import net from "node:net";
import type { TestProject } from "vitest/node";
import { TEST_DATABASE_URL, TEST_REDIS_URL } from "./test-services.ts";

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || "127.0.0.1", port: Number(port || defaultPort) });
    socket.setTimeout(2_000);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

declare module "vitest" {
  export interface ProvidedContext {
    servicesAvailable: boolean;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const [postgres, redis] = await Promise.all([reachable(TEST_DATABASE_URL, 5432), reachable(TEST_REDIS_URL, 6379)]);
  const missing = [!postgres && `PostgreSQL (${TEST_DATABASE_URL})`, !redis && `Redis (${TEST_REDIS_URL})`].filter(Boolean);
  if (missing.length > 0) {
    const message = `Integration services unreachable: ${missing.join(", ")}.`;
    if (process.env.CI === "true") throw new Error(`${message} CI=true, so the run fails instead of skipping.`);
    process.stderr.write(`\n${message} Integration tests will be skipped.\n\n`);
  }
  project.provide("servicesAvailable", missing.length === 0);
}
