// Whether the server answered the last request. Any HTTP response counts as
// reachable (even an error); only a failed connection counts as unreachable.
// While unreachable, a probe polls /health so the banner clears by itself.
import { useSyncExternalStore } from "react";

const PROBE_INTERVAL_MS = 3_000;

let reachable = true;
const listeners = new Set<() => void>();

export function reportReachable(next: boolean): void {
  if (next === reachable) return;
  reachable = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useServerReachable(): boolean {
  return useSyncExternalStore(subscribe, () => reachable);
}

/** One /health request; reports and returns the outcome. */
export async function probeServer(): Promise<boolean> {
  try {
    await fetch("/health", { cache: "no-store" });
    reportReachable(true);
    return true;
  } catch {
    reportReachable(false);
    return false;
  }
}

/** Polls /health until the server answers; returns a stop function. */
export function probeUntilReachable(onBack: () => void): () => void {
  let stopped = false;
  const timer = setInterval(() => {
    void probeServer().then((ok) => {
      if (ok && !stopped) onBack();
    });
  }, PROBE_INTERVAL_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
