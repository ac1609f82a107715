// Traffic allocation: shown as a bar; Edit turns it into whole-percent inputs
// and a control choice, saved together (they must sum to 100, one control).
import { useState, type FormEvent } from "react";
import { describeError } from "../api/api-errors.ts";
import { trpc, type AdminExperimentDetail } from "../api/trpc.ts";
import { variantColor } from "../results/variant-colors.ts";
import { useAdminRefresh } from "./use-admin-refresh.ts";

interface Row {
  variantId: string;
  key: string;
  allocation: string;
}

export function AllocationEditor(props: { detail: AdminExperimentDetail }) {
  const { detail } = props;
  const [rows, setRows] = useState<Row[] | null>(null);
  const [controlId, setControlId] = useState("");
  const refresh = useAdminRefresh();
  const save = trpc.admin.experiments.setAllocation.useMutation({
    onSettled: refresh,
    onSuccess: () => setRows(null),
  });

  function edit() {
    setRows(detail.variants.map((variant) => ({ variantId: variant.id, key: variant.key, allocation: String(variant.allocation) })));
    setControlId(detail.variants.find((variant) => variant.isControl)?.id ?? "");
    save.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!rows) return;
    save.mutate({
      experimentId: detail.id,
      expectedVersion: detail.version,
      variants: rows.map((row) => ({ variantId: row.variantId, allocation: Number(row.allocation), isControl: row.variantId === controlId })),
    });
  }

  const total = rows?.reduce((sum, row) => sum + (Number(row.allocation) || 0), 0) ?? 100;
  return (
    <section className="card" aria-labelledby="allocation-title">
      <div className="section-header">
        <h2 id="allocation-title">Traffic allocation</h2>
        {!rows && (
          <button type="button" className="button small" onClick={edit}>
            Edit allocation
          </button>
        )}
      </div>
      <div className="allocation-bar" aria-hidden="true">
        {detail.variants.map((variant, index) => (
          <span key={variant.id} style={{ flexGrow: variant.allocation, background: variantColor(index) }} title={`${variant.key} ${variant.allocation}%`} />
        ))}
      </div>
      {rows && (
        <form className="allocation-form" onSubmit={submit}>
          {rows.map((row, index) => (
            <div key={row.variantId} className="field-row">
              <div className="field narrow">
                <label htmlFor={`allocation-${row.variantId}`} className="field-label">
                  {row.key} %
                </label>
                <input
                  id={`allocation-${row.variantId}`}
                  inputMode="numeric"
                  value={row.allocation}
                  onChange={(event) => setRows(rows.map((other, i) => (i === index ? { ...other, allocation: event.target.value } : other)))}
                />
              </div>
              <label className="check">
                <input
                  type="radio"
                  name="allocation-control"
                  aria-label={`${row.key} is the control`}
                  checked={controlId === row.variantId}
                  onChange={() => setControlId(row.variantId)}
                />{" "}
                Control
              </label>
            </div>
          ))}
          <p className={total === 100 ? "muted small" : "error-text small"} role="status">
            Total {total}%{total === 100 ? "" : " (must be 100%)"}
          </p>
          {save.isError && (
            <p className="error-text" role="alert">
              {describeError(save.error)}
            </p>
          )}
          <div className="button-row">
            <button type="submit" className="button primary" disabled={save.isPending}>
              Save allocation
            </button>
            <button type="button" className="button" onClick={() => setRows(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
