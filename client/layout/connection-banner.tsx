// Shown while the server cannot be reached: says so, keeps checking, and
// refreshes everything once it answers again.
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { probeServer, probeUntilReachable, useServerReachable } from "../api/connection-status.ts";

export function ConnectionBanner() {
  const reachable = useServerReachable();
  const queryClient = useQueryClient();

  async function retryNow() {
    if (await probeServer()) void queryClient.invalidateQueries();
  }

  useEffect(() => {
    if (reachable) return;
    return probeUntilReachable(() => void queryClient.invalidateQueries());
  }, [reachable, queryClient]);

  if (reachable) return null;
  return (
    <div className="connection-banner" role="alert">
      <span>
        <strong>Can't reach the PromptLab server.</strong> Checking again every few seconds; your work here is kept.
      </span>
      <button type="button" className="button small" onClick={() => void retryNow()}>
        Retry now
      </button>
    </div>
  );
}
