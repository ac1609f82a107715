// How the variant's system prompt meets a gateway caller's own system
// messages: Replace (the default; the experiment measures its prompt alone) or
// Prepend (the caller's system messages stay, after the variant's).
import { useState, type FormEvent } from "react";
import { describeError } from "../api/api-errors.ts";
import { trpc, type AdminExperimentDetail } from "../api/trpc.ts";
import { useAdminRefresh } from "./use-admin-refresh.ts";

type Policy = "replace" | "prepend";

const OPTIONS: Array<{ value: Policy; label: string; hint: string }> = [
  { value: "replace", label: "Replace", hint: "Drop the caller's system messages; the variant's prompt leads." },
  { value: "prepend", label: "Prepend", hint: "Keep the caller's system messages after the variant's prompt." },
];

export function SystemMessagePolicy(props: { detail: AdminExperimentDetail }) {
  const experiments = trpc.experiments.list.useQuery();
  const current = experiments.data?.find((experiment) => experiment.id === props.detail.id)?.systemMessagePolicy ?? "replace";
  const [chosen, setChosen] = useState<Policy | null>(null);
  const refresh = useAdminRefresh();
  const save = trpc.experiments.setSystemMessagePolicy.useMutation({ onSettled: refresh, onSuccess: () => setChosen(null) });
  const value = chosen ?? current;

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate({ experimentId: props.detail.id, expectedVersion: props.detail.version, policy: value });
  }

  return (
    <section className="card" aria-labelledby="policy-title">
      <form onSubmit={submit}>
        <fieldset className="policy">
          <legend id="policy-title">Gateway system messages</legend>
          {OPTIONS.map((option) => (
            <label key={option.value} className="check">
              <input type="radio" name="system-message-policy" value={option.value} checked={value === option.value} onChange={() => setChosen(option.value)} />
              <span>
                <strong>{option.label}</strong> <span className="muted small">{option.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {save.isError && (
          <p className="error-text" role="alert">
            {describeError(save.error)}
          </p>
        )}
        <button type="submit" className="button small" disabled={value === current || save.isPending}>
          Save policy
        </button>
      </form>
    </section>
  );
}
