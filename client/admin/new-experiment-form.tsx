// A new experiment: key, name, description and its variants, each with its
// traffic share, the control choice and its first prompt version. It is
// created as a draft; Start on its page puts it live. The server's field
// messages appear beside the fields they name.
import { useState, type FormEvent } from "react";
import { describeError, fieldErrorsOf } from "../api/api-errors.ts";
import { trpc } from "../api/trpc.ts";
import { navigate } from "../router/history-location.ts";
import { paths } from "../router/routes.ts";
import { allocationTotal, blankExperiment, blankVariant, createInputOf, type ExperimentDraft, type VariantDraft } from "./experiment-draft.ts";
import { FieldError, invalidProps, OtherErrors } from "./field-error.tsx";
import { useAdminRefresh } from "./use-admin-refresh.ts";

const FORM = "new-experiment";
const MAX_VARIANTS = 10;

const variantPaths = (index: number) => [
  `variants.${index}.key`,
  `variants.${index}.allocation`,
  `variants.${index}.prompt.systemPrompt`,
  `variants.${index}.prompt.model`,
  `variants.${index}.prompt.parameters.temperature`,
  `variants.${index}.prompt.parameters.max_tokens`,
];

function VariantFields(props: {
  index: number;
  variant: VariantDraft;
  isControl: boolean;
  errors: Record<string, string[]>;
  onChange(change: Partial<VariantDraft>): void;
  onControl(): void;
  onRemove: (() => void) | null;
}) {
  const { index, variant, errors } = props;
  const id = (name: string) => `${FORM}-v${index}-${name}`;
  const path = (name: string) => `variants.${index}.${name}`;
  return (
    <fieldset className="variant-fields">
      <legend>Variant {index + 1}</legend>
      <div className="field-row">
        <div className="field">
          <label htmlFor={id("key")} className="field-label">
            Variant key
          </label>
          <input id={id("key")} value={variant.key} onChange={(event) => props.onChange({ key: event.target.value })} {...invalidProps(FORM, path("key"), errors)} />
          <FieldError formId={FORM} path={path("key")} errors={errors} />
        </div>
        <div className="field narrow">
          <label htmlFor={id("allocation")} className="field-label">
            Traffic %
          </label>
          <input
            id={id("allocation")}
            inputMode="numeric"
            value={variant.allocation}
            onChange={(event) => props.onChange({ allocation: event.target.value })}
            {...invalidProps(FORM, path("allocation"), errors)}
          />
          <FieldError formId={FORM} path={path("allocation")} errors={errors} />
        </div>
        <label className="check">
          <input type="radio" name={`${FORM}-control`} aria-label={`Variant ${index + 1} is the control`} checked={props.isControl} onChange={props.onControl} /> Control
        </label>
      </div>
      <div className="field">
        <label htmlFor={id("prompt")} className="field-label">
          System prompt
        </label>
        <textarea id={id("prompt")} rows={3} value={variant.systemPrompt} onChange={(event) => props.onChange({ systemPrompt: event.target.value })} {...invalidProps(FORM, path("prompt.systemPrompt"), errors)} />
        <FieldError formId={FORM} path={path("prompt.systemPrompt")} errors={errors} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={id("model")} className="field-label">
            Model
          </label>
          <input id={id("model")} value={variant.model} onChange={(event) => props.onChange({ model: event.target.value })} {...invalidProps(FORM, path("prompt.model"), errors)} />
          <FieldError formId={FORM} path={path("prompt.model")} errors={errors} />
        </div>
        <div className="field narrow">
          <label htmlFor={id("temperature")} className="field-label">
            Temperature
          </label>
          <input id={id("temperature")} inputMode="decimal" placeholder="default" value={variant.temperature} onChange={(event) => props.onChange({ temperature: event.target.value })} {...invalidProps(FORM, path("prompt.parameters.temperature"), errors)} />
          <FieldError formId={FORM} path={path("prompt.parameters.temperature")} errors={errors} />
        </div>
        <div className="field narrow">
          <label htmlFor={id("max-tokens")} className="field-label">
            Max tokens
          </label>
          <input id={id("max-tokens")} inputMode="numeric" placeholder="default" value={variant.maxTokens} onChange={(event) => props.onChange({ maxTokens: event.target.value })} {...invalidProps(FORM, path("prompt.parameters.max_tokens"), errors)} />
          <FieldError formId={FORM} path={path("prompt.parameters.max_tokens")} errors={errors} />
        </div>
      </div>
      {props.onRemove && (
        <button type="button" className="button small" onClick={props.onRemove}>
          Remove variant {index + 1}
        </button>
      )}
    </fieldset>
  );
}

export function NewExperimentForm(props: { onCancel(): void }) {
  const [draft, setDraft] = useState<ExperimentDraft>(blankExperiment);
  const refresh = useAdminRefresh();
  const create = trpc.admin.experiments.create.useMutation({
    onSuccess(created) {
      refresh();
      navigate(paths.adminExperiment(created.id));
    },
  });
  const errors = create.isError ? fieldErrorsOf(create.error) : {};
  const shown = new Set(["key", "name", "description", "variants", ...draft.variants.flatMap((_, index) => variantPaths(index))]);
  const total = allocationTotal(draft);

  function changeVariant(index: number, change: Partial<VariantDraft>) {
    setDraft((current) => ({ ...current, variants: current.variants.map((variant, i) => (i === index ? { ...variant, ...change } : variant)) }));
  }

  function removeVariant(index: number) {
    setDraft((current) => ({
      ...current,
      variants: current.variants.filter((_, i) => i !== index),
      controlIndex: current.controlIndex === index ? 0 : current.controlIndex > index ? current.controlIndex - 1 : current.controlIndex,
    }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(createInputOf(draft));
  }

  return (
    <form id={FORM} className="card admin-form" onSubmit={submit} aria-labelledby={`${FORM}-title`} noValidate>
      <h2 id={`${FORM}-title`}>New experiment</h2>
      <p className="muted small">Created as a draft, with version 1 of each variant's prompt. Start it from its page.</p>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${FORM}-key`} className="field-label">
            Experiment key
          </label>
          <input id={`${FORM}-key`} value={draft.key} onChange={(event) => setDraft({ ...draft, key: event.target.value })} placeholder="greeting_style" {...invalidProps(FORM, "key", errors)} />
          <FieldError formId={FORM} path="key" errors={errors} />
        </div>
        <div className="field">
          <label htmlFor={`${FORM}-name`} className="field-label">
            Name
          </label>
          <input id={`${FORM}-name`} value={draft.name} onChange={(event) => setDraft({ ...draft, name: event.target.value })} {...invalidProps(FORM, "name", errors)} />
          <FieldError formId={FORM} path="name" errors={errors} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${FORM}-description`} className="field-label">
          Description (optional)
        </label>
        <input id={`${FORM}-description`} value={draft.description} onChange={(event) => setDraft({ ...draft, description: event.target.value })} {...invalidProps(FORM, "description", errors)} />
        <FieldError formId={FORM} path="description" errors={errors} />
      </div>
      {draft.variants.map((variant, index) => (
        <VariantFields
          key={index}
          index={index}
          variant={variant}
          isControl={draft.controlIndex === index}
          errors={errors}
          onChange={(change) => changeVariant(index, change)}
          onControl={() => setDraft({ ...draft, controlIndex: index })}
          onRemove={draft.variants.length > 1 ? () => removeVariant(index) : null}
        />
      ))}
      <div className="form-footer">
        <button
          type="button"
          className="button"
          disabled={draft.variants.length >= MAX_VARIANTS}
          onClick={() => setDraft({ ...draft, variants: [...draft.variants, blankVariant(`variant_${draft.variants.length + 1}`, 0)] })}
        >
          Add variant
        </button>
        <span className={total === 100 ? "muted small" : "error-text small"} role="status">
          Traffic adds up to {total}%{total === 100 ? "" : " (must be 100%)"}
        </span>
      </div>
      <FieldError formId={FORM} path="variants" errors={errors} />
      <OtherErrors errors={errors} shown={shown} />
      {create.isError && Object.keys(errors).length === 0 && (
        <p className="error-text" role="alert">
          {describeError(create.error)}
        </p>
      )}
      <div className="form-footer">
        <button type="submit" className="button primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create experiment"}
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
