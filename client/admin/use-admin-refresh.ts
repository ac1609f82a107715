// After any admin change, succeeded or refused: reload what the admin screens
// and the experiment pages show, so a 409 ("changed since version 7") leaves
// the screen showing version 8, ready for another try.
import { useCallback } from "react";
import { trpc } from "../api/trpc.ts";

export function useAdminRefresh(): () => void {
  const utils = trpc.useUtils();
  return useCallback(() => {
    void utils.admin.invalidate();
    void utils.experiments.invalidate();
    void utils.feedback.stats.invalidate();
  }, [utils]);
}
