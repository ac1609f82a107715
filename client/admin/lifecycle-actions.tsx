// The experiment's moves, offered only when the server would accept them:
// Start a draft, Pause (reason required) and Resume, Complete by shipping one
// variant, and the kill switch (confirm and reason required), which sends every
// user to control at once. Each sends the configuration version on screen, so
// a change someone else made first comes back as a 409 instead of being undone.
import { useState } from "react";
import { trpc, type AdminExperimentDetail } from "../api/trpc.ts";
import { ActionDialog } from "./action-dialog.tsx";
import { useAdminRefresh } from "./use-admin-refresh.ts";

type Action = "start" | "pause" | "resume" | "complete" | "kill";

export function LifecycleActions(props: { detail: AdminExperimentDetail }) {
  const { detail } = props;
  const [open, setOpen] = useState<Action | null>(null);
  const [shipVariantId, setShipVariantId] = useState("");
  const refresh = useAdminRefresh();
  const options = { onSettled: refresh };
  const start = trpc.admin.experiments.start.useMutation(options);
  const pause = trpc.admin.experiments.pause.useMutation(options);
  const resume = trpc.admin.experiments.resume.useMutation(options);
  const complete = trpc.admin.experiments.complete.useMutation(options);
  const kill = trpc.admin.experiments.kill.useMutation(options);

  const ref = { experimentId: detail.id, expectedVersion: detail.version };
  const control = detail.variants.find((variant) => variant.isControl);
  const close = () => setOpen(null);
  const live = detail.status === "running" || detail.status === "paused";

  return (
    <div className="lifecycle-actions" role="group" aria-label="Experiment actions">
      {detail.status === "draft" && (
        <button type="button" className="button primary" onClick={() => setOpen("start")}>
          Start
        </button>
      )}
      {detail.status === "running" && (
        <button type="button" className="button" onClick={() => setOpen("pause")}>
          Pause
        </button>
      )}
      {(detail.status === "paused" || detail.killed) && (
        <button type="button" className="button primary" onClick={() => setOpen("resume")}>
          Resume
        </button>
      )}
      {live && (
        <button type="button" className="button" onClick={() => setOpen("complete")}>
          Complete…
        </button>
      )}
      {!detail.killed && detail.status !== "completed" && (
        <button type="button" className="button kill-switch" onClick={() => setOpen("kill")}>
          Kill switch
        </button>
      )}

      {open === "start" && (
        <ActionDialog title={`Start ${detail.name}?`} confirmLabel="Start" reason="optional" onClose={close} onConfirm={(reason) => start.mutateAsync({ ...ref, reason })}>
          <p>Users will be split between the variants by their allocation from now on.</p>
        </ActionDialog>
      )}
      {open === "pause" && (
        <ActionDialog title={`Pause ${detail.name}?`} confirmLabel="Pause" reason="required" onClose={close} onConfirm={(reason) => pause.mutateAsync({ ...ref, reason: reason ?? "" })}>
          <p>While paused, everyone gets the control variant{control ? ` (${control.key})` : ""}.</p>
        </ActionDialog>
      )}
      {open === "resume" && (
        <ActionDialog title={`Resume ${detail.name}?`} confirmLabel="Resume" reason="optional" onClose={close} onConfirm={(reason) => resume.mutateAsync({ ...ref, reason })}>
          <p>{detail.killed ? "Lifts the kill switch: users go back to their assigned variants." : "Users go back to their assigned variants."}</p>
        </ActionDialog>
      )}
      {open === "complete" && (
        <ActionDialog
          title={`Complete ${detail.name}?`}
          confirmLabel="Ship and complete"
          reason="optional"
          ready={shipVariantId !== ""}
          onClose={close}
          onConfirm={(reason) => complete.mutateAsync({ ...ref, shipVariantId, reason })}
        >
          <p>The shipped variant is served to every user from now on.</p>
          <div className="field">
            <label htmlFor="ship-variant" className="field-label">
              Variant to ship
            </label>
            <select id="ship-variant" value={shipVariantId} onChange={(event) => setShipVariantId(event.target.value)}>
              <option value="">Choose a variant…</option>
              {detail.variants.map((variant) => (
                <option key={variant.id} value={variant.id}>
                  {variant.key}
                </option>
              ))}
            </select>
          </div>
        </ActionDialog>
      )}
      {open === "kill" && (
        <ActionDialog
          title={`Kill ${detail.name}?`}
          confirmLabel="Kill experiment"
          tone="danger"
          reason="required"
          onClose={close}
          onConfirm={(reason) => kill.mutateAsync({ experimentId: detail.id, reason: reason ?? "" })}
        >
          <p>
            Every user gets the control variant{control ? ` (${control.key})` : ""} at once, on every instance. Resume lifts it.
          </p>
        </ActionDialog>
      )}
    </div>
  );
}
