// A new immutable prompt version for a variant, prefilled from the active one.
// It serves nobody until published or started as a canary.
import { useState, type FormEvent } from "react";
import { describeError, fieldErrorsOf } from "../api/api-errors.ts";
import { trpc, type PromptVersion } from "../api/trpc.ts";
import { FieldError, invalidProps, OtherErrors } from "./field-error.tsx";
import { useAdminRefresh } from "./use-admin-refresh.ts";

const FORM = "new-version";

const text = (value: number | undefined) => (value === undefined ? "" : String(value));
const optional = (value: string) => (value.trim() === "" ? undefined : Number(value));

export function NewVersionForm(props: { variantId: string; base: PromptVersion | undefined; onDone(): void }) {
  const { base } = props;
  const [systemPrompt, setSystemPrompt] = useState(base?.systemPrompt ?? "");
  const [model, setModel] = useState(base?.model ?? "gpt-4o-mini");
  const [temperature, setTemperature] = useState(text(base?.parameters.temperature));
  const [maxTokens, setMaxTokens] = useState(text(base?.parameters.max_tokens));
  const [topP, setTopP] = useState(text(base?.parameters.top_p));
  const [note, setNote] = useState("");
  const refresh = useAdminRefresh();
  const create = trpc.admin.prompts.createVersion.useMutation({ onSettled: refresh, onSuccess: props.onDone });
  const errors = create.isError ? fieldErrorsOf(create.error) : {};
  const shown = new Set(["systemPrompt", "model", "parameters.temperature", "parameters.max_tokens", "parameters.top_p", "note"]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const parameters = { temperature: optional(temperature), max_tokens: optional(maxTokens), top_p: optional(topP) };
    create.mutate({
      variantId: props.variantId,
      systemPrompt,
      model: model.trim(),
      parameters: Object.fromEntries(Object.entries(parameters).filter(([, value]) => value !== undefined)),
      ...(note.trim() ? { note: note.trim() } : {}),
    });
  }

  const field = (path: string) => invalidProps(FORM, path, errors);
  return (
    <form id={FORM} className="card admin-form" onSubmit={submit} aria-labelledby={`${FORM}-title`} noValidate>
      <h2 id={`${FORM}-title`}>New version</h2>
      <div className="field">
        <label htmlFor={`${FORM}-prompt`} className="field-label">
          System prompt
        </label>
        <textarea id={`${FORM}-prompt`} rows={6} value={systemPrompt} onChange={(event) => setSystemPrompt(event.target.value)} {...field("systemPrompt")} />
        <FieldError formId={FORM} path="systemPrompt" errors={errors} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${FORM}-model`} className="field-label">
            Model
          </label>
          <input id={`${FORM}-model`} value={model} onChange={(event) => setModel(event.target.value)} {...field("model")} />
          <FieldError formId={FORM} path="model" errors={errors} />
        </div>
        <div className="field narrow">
          <label htmlFor={`${FORM}-temperature`} className="field-label">
            Temperature
          </label>
          <input id={`${FORM}-temperature`} inputMode="decimal" placeholder="default" value={temperature} onChange={(event) => setTemperature(event.target.value)} {...field("parameters.temperature")} />
          <FieldError formId={FORM} path="parameters.temperature" errors={errors} />
        </div>
        <div className="field narrow">
          <label htmlFor={`${FORM}-max-tokens`} className="field-label">
            Max tokens
          </label>
          <input id={`${FORM}-max-tokens`} inputMode="numeric" placeholder="default" value={maxTokens} onChange={(event) => setMaxTokens(event.target.value)} {...field("parameters.max_tokens")} />
          <FieldError formId={FORM} path="parameters.max_tokens" errors={errors} />
        </div>
        <div className="field narrow">
          <label htmlFor={`${FORM}-top-p`} className="field-label">
            Top p
          </label>
          <input id={`${FORM}-top-p`} inputMode="decimal" placeholder="default" value={topP} onChange={(event) => setTopP(event.target.value)} {...field("parameters.top_p")} />
          <FieldError formId={FORM} path="parameters.top_p" errors={errors} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${FORM}-note`} className="field-label">
          Note (optional)
        </label>
        <input id={`${FORM}-note`} value={note} onChange={(event) => setNote(event.target.value)} placeholder="What changed and why" {...field("note")} />
        <FieldError formId={FORM} path="note" errors={errors} />
      </div>
      <OtherErrors errors={errors} shown={shown} />
      {create.isError && Object.keys(errors).length === 0 && (
        <p className="error-text" role="alert">
          {describeError(create.error)}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create version"}
        </button>
        <button type="button" className="button" onClick={props.onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
