// The read-only experiment overview every signed-in person sees: each
// experiment's state and how its variants are doing on live traffic, with the
// way to its full results (intervals, verdicts, charts).
import { useMemo } from "react";
import { describeError } from "../api/api-errors.ts";
import { trpc, type ExperimentStats, type ExperimentSummary } from "../api/trpc.ts";
import { Link } from "../router/link.tsx";
import { paths } from "../router/routes.ts";
import { VariantTable } from "./variant-table.tsx";

const REFRESH_MS = 15_000;

function StatusPill(props: { stats: ExperimentStats }) {
  const label = props.stats.killed ? "killed" : props.stats.status;
  const tone = props.stats.killed ? "bad" : props.stats.status === "running" ? "good" : "neutral";
  return <span className={`status-pill ${tone}`}>{label}</span>;
}

function ExperimentCard(props: { stats: ExperimentStats; summary: ExperimentSummary | undefined }) {
  const { stats, summary } = props;
  const info = useMemo(() => new Map(summary?.variants.map((variant) => [variant.key, variant]) ?? []), [summary]);
  return (
    <section className="card experiment" aria-labelledby={`experiment-${stats.experiment_key}`} data-experiment={stats.experiment_key}>
      <header className="experiment-header">
        <h2 id={`experiment-${stats.experiment_key}`}>{stats.name}</h2>
        <StatusPill stats={stats} />
        <code className="muted small">{stats.experiment_key}</code>
        <Link href={paths.results(stats.experiment_key)} className="button small results-link">
          Results and statistics
        </Link>
      </header>
      {summary?.description && <p className="muted">{summary.description}</p>}
      {stats.killed && <p className="notice">Killed: everyone gets the control variant until an admin restarts it.</p>}
      <VariantTable name={stats.name} variants={stats.variants} info={info} />
    </section>
  );
}

export function ExperimentsPage(props: { isAdmin: boolean }) {
  const stats = trpc.feedback.stats.useQuery(undefined, { refetchInterval: REFRESH_MS });
  const experiments = trpc.experiments.list.useQuery();
  const summaries = useMemo(() => new Map(experiments.data?.map((experiment) => [experiment.key, experiment]) ?? []), [experiments.data]);

  return (
    <main className="page experiments-page">
      <header className="page-header">
        <div>
          <h1>Experiments</h1>
          <p className="muted">Live results per variant. Approval is the share of 👍 among rated answers.</p>
        </div>
        <div className="page-actions">
          {props.isAdmin && (
            <Link href={paths.admin} className="button">
              Manage in admin
            </Link>
          )}
          <button type="button" className="button" onClick={() => void stats.refetch()} disabled={stats.isFetching}>
            {stats.isFetching ? "Refreshing…" : "Refresh"}
          </button>
        </div>
      </header>
      {stats.isPending && <p className="muted">Loading experiments…</p>}
      {stats.isError && <p className="error-text">{describeError(stats.error)}</p>}
      {stats.data?.length === 0 && <p className="muted">No experiments yet.</p>}
      {stats.data?.map((experiment) => (
        <ExperimentCard key={experiment.experiment_key} stats={experiment} summary={summaries.get(experiment.experiment_key)} />
      ))}
    </main>
  );
}
