// Starting a version as a canary: the ramp's steps (percent of the variant's
// users and how long to hold each), defaulting to 1 → 10 → 50 → 100 %, an hour
// each. The guardrails gate every step.
import { useState } from "react";
import { trpc, type PromptVersion } from "../api/trpc.ts";
import { ActionDialog } from "./action-dialog.tsx";
import { DEFAULT_SCHEDULE, scheduleOf, scheduleProblem, type ScheduleRow } from "./canary-schedule.ts";
import { useAdminRefresh } from "./use-admin-refresh.ts";

export function StartCanaryDialog(props: { version: PromptVersion; expectedVersion: number; onClose(): void }) {
  const [rows, setRows] = useState<ScheduleRow[]>(DEFAULT_SCHEDULE);
  const refresh = useAdminRefresh();
  const start = trpc.admin.rollout.startCanary.useMutation({ onSettled: refresh });
  const problem = scheduleProblem(rows);
  const change = (index: number, patch: Partial<ScheduleRow>) => setRows(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  return (
    <ActionDialog
      title={`Start v${props.version.version} as a canary?`}
      confirmLabel="Start canary"
      reason="optional"
      ready={problem === null}
      onClose={props.onClose}
      onConfirm={(reason) => start.mutateAsync({ versionId: props.version.id, expectedVersion: props.expectedVersion, schedule: scheduleOf(rows), reason })}
    >
      <p>A stable slice of this variant's users gets v{props.version.version}; the slice grows step by step while the guardrails hold.</p>
      <table className="schedule-table">
        <caption className="visually-hidden">Canary schedule</caption>
        <thead>
          <tr>
            <th scope="col">Step</th>
            <th scope="col">Users %</th>
            <th scope="col">Hold (minutes)</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              <th scope="row">{index + 1}</th>
              <td>
                <input aria-label={`Step ${index + 1} percent`} inputMode="numeric" value={row.percent} onChange={(event) => change(index, { percent: event.target.value })} />
              </td>
              <td>
                <input aria-label={`Step ${index + 1} hold in minutes`} inputMode="decimal" value={row.holdMinutes} onChange={(event) => change(index, { holdMinutes: event.target.value })} />
              </td>
              <td>
                <button type="button" className="icon-button" aria-label={`Remove step ${index + 1}`} onClick={() => setRows(rows.filter((_, i) => i !== index))}>
                  ×
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="button small" onClick={() => setRows([...rows, { percent: "100", holdMinutes: "60" }])} disabled={rows.length >= 10}>
        Add step
      </button>
      {problem && (
        <p className="error-text small" role="status">
          {problem}
        </p>
      )}
    </ActionDialog>
  );
}
