// Parent side of the fake upstream process: start it, reconfigure it between
// benchmark phases, stop it.
import path from "node:path";
import { spawnNode, type NodeProcess } from "./processes.ts";
import { ROOT } from "./results.ts";
import type { UpstreamSettings } from "./upstream-process.ts";

export type { UpstreamSettings };

export interface UpstreamProcess {
  /** Ends in /v1, as the OpenAI SDK expects. */
  baseURL: string;
  origin: string;
  /** The same upstream over HTTP/2 with prior knowledge; null unless started with h2c. */
  h2cBaseURL: string | null;
  process: NodeProcess;
  configure(settings: UpstreamSettings): Promise<void>;
  close(): Promise<void>;
}

function nextMessage(process: NodeProcess, type: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fake upstream: no "${type}" message:\n${process.output()}`)), timeoutMs);
    const onMessage = (message: Record<string, unknown>) => {
      if (message.type !== type) return;
      clearTimeout(timer);
      process.child.off("message", onMessage);
      resolve(message);
    };
    process.child.on("message", onMessage);
  });
}

export async function startUpstreamProcess(settings: UpstreamSettings = {}, options: { h2c?: boolean } = {}): Promise<UpstreamProcess> {
  const child = spawnNode(path.join(ROOT, "bench/lib/upstream-process.ts"), {
    env: { UPSTREAM_SETTINGS: JSON.stringify(settings), UPSTREAM_H2C: options.h2c ? "1" : "0" },
    ipc: true,
  });
  const ready = await nextMessage(child, "ready");
  const baseURL = String(ready.baseURL);
  return {
    baseURL,
    h2cBaseURL: typeof ready.h2cBaseURL === "string" ? ready.h2cBaseURL : null,
    origin: new URL(baseURL).origin,
    process: child,
    async configure(next) {
      const configured = nextMessage(child, "configured");
      child.child.send({ type: "configure", settings: next });
      await configured;
    },
    async close() {
      child.child.disconnect();
      await child.stop(5_000);
    },
  };
}
