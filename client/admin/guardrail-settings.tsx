// The experiment's guardrail thresholds. An empty field keeps the default
// (shown as its placeholder), so defaults can improve later; rates are typed
// as percentages. "Check now" runs one guardrail round instead of waiting.
import { useState, type FormEvent } from "react";
import { describeError, fieldErrorsOf } from "../api/api-errors.ts";
import { trpc, type AdminExperimentDetail } from "../api/trpc.ts";
import { FieldError, invalidProps } from "./field-error.tsx";
import { useAdminRefresh } from "./use-admin-refresh.ts";

type Settings = AdminExperimentDetail["guardrails"]["settings"];
type Key = keyof Required<Settings>;

const FORM = "guardrails";

const FIELDS: Array<{ key: Key; label: string; percent: boolean }> = [
  { key: "maxApprovalDrop", label: "Max approval drop vs baseline (relative %)", percent: true },
  { key: "minFeedback", label: "Ratings before approval is judged", percent: false },
  { key: "maxErrorRate", label: "Max error rate (%)", percent: true },
  { key: "maxP95LatencyMs", label: "Max p95 latency (ms)", percent: false },
  { key: "minMessages", label: "Answers before errors and latency are judged", percent: false },
];

const shown = (value: number | undefined, percent: boolean) => (value === undefined ? "" : String(percent ? Number((value * 100).toFixed(4)) : value));

function settingsOf(texts: Record<Key, string>): Settings {
  const settings: Settings = {};
  for (const field of FIELDS) {
    const text = texts[field.key].trim();
    if (text !== "") settings[field.key] = field.percent ? Number(text) / 100 : Number(text);
  }
  return settings;
}

function GuardrailForm(props: { detail: AdminExperimentDetail; onDone(): void }) {
  const { settings, effective } = props.detail.guardrails;
  const [texts, setTexts] = useState(() => Object.fromEntries(FIELDS.map((field) => [field.key, shown(settings[field.key], field.percent)])) as Record<Key, string>);
  const refresh = useAdminRefresh();
  const save = trpc.admin.experiments.setGuardrails.useMutation({ onSettled: refresh, onSuccess: props.onDone });
  const errors = save.isError ? fieldErrorsOf(save.error) : {};

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate({ experimentId: props.detail.id, expectedVersion: props.detail.version, guardrails: settingsOf(texts) });
  }

  return (
    <form className="guardrail-form" onSubmit={submit} noValidate>
      {FIELDS.map((field) => {
        const path = `guardrails.${field.key}`;
        return (
          <div className="field" key={field.key}>
            <label htmlFor={`${FORM}-${field.key}`} className="field-label">
              {field.label}
            </label>
            <input
              id={`${FORM}-${field.key}`}
              inputMode="decimal"
              placeholder={`default ${shown(effective[field.key], field.percent)}`}
              value={texts[field.key]}
              onChange={(event) => setTexts({ ...texts, [field.key]: event.target.value })}
              {...invalidProps(FORM, path, errors)}
            />
            <FieldError formId={FORM} path={path} errors={errors} />
          </div>
        );
      })}
      {save.isError && Object.keys(errors).length === 0 && (
        <p className="error-text" role="alert">
          {describeError(save.error)}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button primary" disabled={save.isPending}>
          Save guardrails
        </button>
        <button type="button" className="button" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function GuardrailSettings(props: { detail: AdminExperimentDetail }) {
  const [editing, setEditing] = useState(false);
  const refresh = useAdminRefresh();
  const check = trpc.admin.rollout.checkGuardrails.useMutation({ onSettled: refresh });
  const { effective, settings } = props.detail.guardrails;
  return (
    <section className="card" aria-labelledby="guardrail-settings-title">
      <div className="section-header">
        <h2 id="guardrail-settings-title">Guardrails</h2>
        <div className="button-row">
          <button type="button" className="button small" onClick={() => check.mutate()} disabled={check.isPending}>
            {check.isPending ? "Checking…" : "Check now"}
          </button>
          {!editing && (
            <button type="button" className="button small" onClick={() => setEditing(true)}>
              Edit thresholds
            </button>
          )}
        </div>
      </div>
      <p className="muted small" role="status">
        A breach pauses the experiment or rolls a canary back, with the figures in the audit log.
        {check.data && (check.data.ran ? ` Checked: ${check.data.actions.length} action(s) taken.` : " Another instance is checking right now.")}
        {check.isError && ` ${describeError(check.error)}`}
      </p>
      {editing ? (
        <GuardrailForm detail={props.detail} onDone={() => setEditing(false)} />
      ) : (
        <dl className="settings-list">
          {FIELDS.map((field) => (
            <div key={field.key}>
              <dt>{field.label}</dt>
              <dd>
                {shown(effective[field.key], field.percent)}
                {settings[field.key] === undefined && <span className="muted small"> (default)</span>}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
