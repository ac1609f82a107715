// One prompt version: its number, whether it is active or ramping as a
// canary, who wrote it and when, how many answers it produced, its content,
// and what can be done with it: publish (newer than active), roll back to it
// (older; reason required), start it as a canary, or compare it.
import { useState } from "react";
import { trpc, type PromptVersion } from "../api/trpc.ts";
import { formatCount } from "../format/metrics-format.ts";
import { ActionDialog } from "./action-dialog.tsx";
import { exactTime, shortTime } from "./format-time.ts";
import { StartCanaryDialog } from "./start-canary-dialog.tsx";
import { useAdminRefresh } from "./use-admin-refresh.ts";

interface VersionCardProps {
  version: PromptVersion;
  active: PromptVersion | undefined;
  canaryRamping: boolean;
  variantKey: string;
  expectedVersion: number;
  onCompare(): void;
}

function parametersText(parameters: PromptVersion["parameters"]): string {
  const entries = Object.entries(parameters);
  return entries.length === 0 ? "default parameters" : entries.map(([key, value]) => `${key} ${value}`).join(" · ");
}

export function VersionCard(props: VersionCardProps) {
  const { version, active } = props;
  const [open, setOpen] = useState<"publish" | "rollback" | "canary" | null>(null);
  const refresh = useAdminRefresh();
  const publish = trpc.admin.prompts.publish.useMutation({ onSettled: refresh });
  const rollback = trpc.admin.prompts.rollback.useMutation({ onSettled: refresh });
  const newer = !active || version.version > active.version;
  const older = active !== undefined && version.version < active.version;
  const close = () => setOpen(null);

  return (
    <article className={`card version-card${version.isActive ? " active" : ""}`} aria-label={`Version ${version.version}`} data-version={version.version}>
      <header className="version-header">
        <h3>v{version.version}</h3>
        {version.isActive && <span className="status-pill good">Active</span>}
        {version.isCanary && <span className="status-pill warn">Canary</span>}
        <span className="muted small">
          by {version.author?.name ?? "unknown"} · <time dateTime={exactTime(version.createdAt)}>{shortTime(version.createdAt)}</time> ·{" "}
          {formatCount(version.messages)} answers
        </span>
      </header>
      {version.note && <p className="version-note">{version.note}</p>}
      <p className="small">
        <code>{version.model}</code> <span className="muted">· {parametersText(version.parameters)}</span>
      </p>
      {version.isCanary && <p className="muted small">Ramping as a canary: advance, promote or roll it back from the experiment page.</p>}
      <pre className="prompt-text" data-testid="system-prompt">
        {version.systemPrompt}
      </pre>
      <div className="button-row">
        {newer && !version.isActive && !props.canaryRamping && (
          <button type="button" className="button small primary" onClick={() => setOpen("publish")}>
            Publish
          </button>
        )}
        {older && (
          <button type="button" className="button small danger" onClick={() => setOpen("rollback")}>
            Roll back to this
          </button>
        )}
        {newer && !version.isActive && !props.canaryRamping && (
          <button type="button" className="button small" onClick={() => setOpen("canary")}>
            Start canary
          </button>
        )}
        {!version.isActive && active && (
          <button type="button" className="button small" onClick={props.onCompare}>
            Compare with active
          </button>
        )}
      </div>

      {open === "publish" && (
        <ActionDialog
          title={`Publish v${version.version} of ${props.variantKey}?`}
          confirmLabel="Publish"
          reason="optional"
          onClose={close}
          onConfirm={(reason) => publish.mutateAsync({ versionId: version.id, expectedVersion: props.expectedVersion, reason })}
        >
          <p>
            Every {props.variantKey} user gets v{version.version} from their next message{active ? `, instead of v${active.version}` : ""}.
          </p>
        </ActionDialog>
      )}
      {open === "rollback" && (
        <ActionDialog
          title={`Roll back ${props.variantKey} to v${version.version}?`}
          confirmLabel="Roll back"
          tone="danger"
          reason="required"
          onClose={close}
          onConfirm={(reason) => rollback.mutateAsync({ versionId: version.id, expectedVersion: props.expectedVersion, reason: reason ?? "" })}
        >
          <p>
            v{version.version} becomes active again at once{active ? `, replacing v${active.version}` : ""}. Any canary on this variant is abandoned.
          </p>
        </ActionDialog>
      )}
      {open === "canary" && <StartCanaryDialog version={version} expectedVersion={props.expectedVersion} onClose={close} />}
    </article>
  );
}
