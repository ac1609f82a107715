// A ramping canary: which version, at what share of the variant's users, its
// steps (done, current, to come), when the next step may happen, and the
// admin's overrides: advance now, or roll it back (reason required).
import { useState } from "react";
import { trpc, type AdminVariant } from "../api/trpc.ts";
import { ActionDialog } from "./action-dialog.tsx";
import { exactTime, shortTime } from "./format-time.ts";
import { useAdminRefresh } from "./use-admin-refresh.ts";

type Canary = NonNullable<AdminVariant["canary"]>;

export function CanaryProgress(props: { variant: AdminVariant; canary: Canary; expectedVersion: number }) {
  const { canary, variant } = props;
  const [open, setOpen] = useState<"advance" | "rollback" | null>(null);
  const refresh = useAdminRefresh();
  const advance = trpc.admin.rollout.advanceCanary.useMutation({ onSettled: refresh });
  const rollback = trpc.admin.rollout.rollbackCanary.useMutation({ onSettled: refresh });
  const last = canary.step >= canary.schedule.length - 1;

  return (
    <div className="canary" data-testid={`canary-${variant.key}`}>
      <p>
        <strong>
          Canary v{canary.version.version} at {canary.percent}%
        </strong>{" "}
        <span className="muted small">of {variant.key}'s users</span>
      </p>
      <ol className="canary-steps" aria-label="Canary steps">
        {canary.schedule.map((step, index) => (
          <li key={index} className={index < canary.step ? "done" : index === canary.step ? "current" : undefined} aria-current={index === canary.step ? "step" : undefined}>
            {step.percent}%
          </li>
        ))}
      </ol>
      <p className="muted small">
        {canary.nextStepAt ? (
          <>
            {last ? "Promoted" : "Next step"} after <time dateTime={exactTime(canary.nextStepAt)}>{shortTime(canary.nextStepAt)}</time>, if the guardrails hold.
          </>
        ) : (
          "Waiting for the guardrail runner."
        )}
      </p>
      <div className="button-row">
        <button type="button" className="button small" onClick={() => setOpen("advance")}>
          {last ? "Promote" : "Advance"}
        </button>
        <button type="button" className="button small danger" onClick={() => setOpen("rollback")}>
          Roll back canary
        </button>
      </div>
      {open === "advance" && (
        <ActionDialog
          title={last ? `Promote v${canary.version.version} to active?` : `Advance the canary to ${canary.schedule[canary.step + 1]?.percent}%?`}
          confirmLabel={last ? "Promote" : "Advance"}
          reason="optional"
          onClose={() => setOpen(null)}
          onConfirm={(reason) => advance.mutateAsync({ variantId: variant.id, expectedVersion: props.expectedVersion, reason })}
        >
          <p>Skips the rest of this step's hold. The guardrails are your call here.</p>
        </ActionDialog>
      )}
      {open === "rollback" && (
        <ActionDialog
          title={`Roll back canary v${canary.version.version}?`}
          confirmLabel="Roll back canary"
          tone="danger"
          reason="required"
          onClose={() => setOpen(null)}
          onConfirm={(reason) => rollback.mutateAsync({ variantId: variant.id, expectedVersion: props.expectedVersion, reason: reason ?? "" })}
        >
          <p>Its users go back to the active version v{variant.activeVersion?.version ?? "?"} at once.</p>
        </ActionDialog>
      )}
    </div>
  );
}
