// /admin: every experiment with its status, configuration version and
// variants (allocation, control, active prompt version, any ramping canary),
// and the form for a new one.
import { useState } from "react";
import { describeError } from "../api/api-errors.ts";
import { trpc, type AdminExperimentSummary } from "../api/trpc.ts";
import { Link } from "../router/link.tsx";
import { paths } from "../router/routes.ts";
import { ExperimentStatus } from "./experiment-status.tsx";
import { exactTime, shortTime } from "./format-time.ts";
import { NewExperimentForm } from "./new-experiment-form.tsx";

function VariantSummary(props: { variant: AdminExperimentSummary["variants"][number] }) {
  const { variant } = props;
  return (
    <li>
      <span className="variant-name">{variant.key}</span> {variant.allocation}%{variant.isControl && <span className="tag">control</span>}
      <span className="muted small"> · v{variant.activeVersion?.version ?? "?"}</span>
      {variant.canary && (
        <span className="status-pill warn" data-testid="canary">
          v{variant.canary.version.version} at {variant.canary.percent}%
        </span>
      )}
    </li>
  );
}

function ExperimentRow(props: { experiment: AdminExperimentSummary }) {
  const { experiment } = props;
  return (
    <tr data-testid={`admin-experiment-${experiment.key}`}>
      <th scope="row" data-label="Experiment">
        <Link href={paths.adminExperiment(experiment.id)}>{experiment.name}</Link>
        <code className="block muted small">{experiment.key}</code>
      </th>
      <td data-label="Status">
        <ExperimentStatus status={experiment.status} killed={experiment.killed} shippedVariant={experiment.shippedVariant} />
      </td>
      <td data-label="Config">v{experiment.version}</td>
      <td data-label="Variants">
        <ul className="plain-list">
          {experiment.variants.map((variant) => (
            <VariantSummary key={variant.id} variant={variant} />
          ))}
        </ul>
      </td>
      <td data-label="Updated" title={exactTime(experiment.updatedAt)}>
        {shortTime(experiment.updatedAt)}
      </td>
    </tr>
  );
}

export function ExperimentsListPage() {
  const list = trpc.admin.experiments.list.useQuery();
  const [creating, setCreating] = useState(false);
  return (
    <main className="page admin-page">
      <header className="page-header">
        <div>
          <h1>Admin</h1>
          <p className="muted">Experiments, their prompt versions and rollouts. Every change is audited.</p>
        </div>
        <div className="page-actions">
          <Link href={paths.adminAudit()} className="button">
            Audit log
          </Link>
          <button type="button" className="button primary" aria-expanded={creating} aria-controls="new-experiment" onClick={() => setCreating((open) => !open)}>
            {creating ? "Close form" : "New experiment"}
          </button>
        </div>
      </header>
      {creating && <NewExperimentForm onCancel={() => setCreating(false)} />}
      {list.isPending && <p className="muted">Loading experiments…</p>}
      {list.isError && <p className="error-text">{describeError(list.error)}</p>}
      {list.data && (
        <section className="card" aria-labelledby="experiments-title">
          <h2 id="experiments-title" className="visually-hidden">
            Experiments
          </h2>
          {list.data.length === 0 ? (
            <p className="muted">No experiments yet.</p>
          ) : (
            <table className="admin-table">
              <thead>
                <tr>
                  <th scope="col">Experiment</th>
                  <th scope="col">Status</th>
                  <th scope="col">Config</th>
                  <th scope="col">Variants</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((experiment) => (
                  <ExperimentRow key={experiment.id} experiment={experiment} />
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </main>
  );
}
