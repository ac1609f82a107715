// /admin/audit?experiment=:id — who did what, when, to which entity, and why,
// newest first: the experiment filter lives in the address so a link from an
// experiment opens its own log; "Load more" pages back in time.
import { useState, type FormEvent } from "react";
import { describeError } from "../api/api-errors.ts";
import { trpc, type AuditEntry } from "../api/trpc.ts";
import { navigate } from "../router/history-location.ts";
import { Link } from "../router/link.tsx";
import { paths } from "../router/routes.ts";
import { exactTime, shortTime } from "./format-time.ts";

const PAGE_SIZE = 50;

function Json(props: { label: string; value: unknown }) {
  return (
    <div className="json-block">
      <p className="field-label">{props.label}</p>
      <pre>{props.value === null || props.value === undefined ? "—" : JSON.stringify(props.value, null, 2)}</pre>
    </div>
  );
}

function AuditRow(props: { entry: AuditEntry }) {
  const { entry } = props;
  return (
    <tr data-testid="audit-entry" data-action={entry.action}>
      <td data-label="Time">
        <time dateTime={exactTime(entry.createdAt)}>{shortTime(entry.createdAt)}</time>
      </td>
      <td data-label="Actor">{entry.actor?.name ?? <em>system (guardrails)</em>}</td>
      <td data-label="Action">
        <code data-testid="audit-action">{entry.action}</code>
      </td>
      <td data-label="Entity">
        {entry.entityType} <code className="muted small">{entry.entityId.slice(0, 8)}</code>
        {entry.experimentKey && <span className="muted small block">{entry.experimentKey}</span>}
      </td>
      <td data-label="Reason" data-testid="audit-reason">
        {entry.reason ?? <span className="muted">—</span>}
      </td>
      <td data-label="Change">
        <details>
          <summary>Before / after</summary>
          <div className="json-pair">
            <Json label="Before" value={entry.before} />
            <Json label="After" value={entry.after} />
          </div>
        </details>
      </td>
    </tr>
  );
}

/**
 * Pages of the log, fetched one "Load more" at a time. Each page is its own
 * query keyed by the cursor the previous page returned (the procedure takes
 * exactly its own fields, so React Query's infinite-query extras cannot be sent).
 */
function useAuditPages(filter: { experimentId?: string; action?: string }) {
  const filterKey = JSON.stringify(filter);
  const [loaded, setLoaded] = useState<{ filterKey: string; cursors: string[] }>({ filterKey, cursors: [] });
  const cursors = loaded.filterKey === filterKey ? loaded.cursors : [];
  const pages = trpc.useQueries((t) =>
    [undefined, ...cursors].map((cursor) => t.admin.audit.search({ ...filter, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) })),
  );
  const last = pages.at(-1);
  const nextCursor = last?.data?.nextCursor ?? null;
  return {
    entries: pages.flatMap((page) => page.data?.entries ?? []),
    first: pages[0]!,
    loadingMore: pages.length > 1 && last?.isPending === true,
    moreError: pages.length > 1 ? (last?.error ?? null) : null,
    loadMore: nextCursor ? () => setLoaded({ filterKey, cursors: [...cursors, nextCursor] }) : null,
  };
}

export function AuditPage(props: { experimentId: string | null }) {
  const experiments = trpc.admin.experiments.list.useQuery();
  const [actionText, setActionText] = useState("");
  const [action, setAction] = useState("");
  const log = useAuditPages({ ...(props.experimentId ? { experimentId: props.experimentId } : {}), ...(action ? { action } : {}) });
  const { entries } = log;
  const experiment = experiments.data?.find((candidate) => candidate.id === props.experimentId);

  function filter(event: FormEvent) {
    event.preventDefault();
    setAction(actionText.trim());
  }

  return (
    <main className="page admin-page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href={paths.admin}>Admin</Link> <span aria-hidden="true">/</span>{" "}
        {experiment && (
          <>
            <Link href={paths.adminExperiment(experiment.id)}>{experiment.name}</Link> <span aria-hidden="true">/</span>{" "}
          </>
        )}
        Audit log
      </nav>
      <h1>Audit log{experiment ? `: ${experiment.name}` : ""}</h1>
      <form className="card filter-bar" onSubmit={filter} aria-label="Filter the audit log">
        <div className="field">
          <label htmlFor="audit-experiment" className="field-label">
            Experiment
          </label>
          <select id="audit-experiment" value={props.experimentId ?? ""} onChange={(event) => navigate(paths.adminAudit(event.target.value || null))}>
            <option value="">All experiments</option>
            {experiments.data?.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-action" className="field-label">
            Action
          </label>
          <input id="audit-action" value={actionText} onChange={(event) => setActionText(event.target.value)} placeholder="prompt.rollback, or a prefix like canary." aria-describedby="audit-action-hint" />
          <p id="audit-action-hint" className="hint">
            Exact action, or a prefix ending in a dot.
          </p>
        </div>
        <button type="submit" className="button">
          Filter
        </button>
      </form>
      {log.first.isPending && <p className="muted">Loading the log…</p>}
      {log.first.isError && <p className="error-text">{describeError(log.first.error)}</p>}
      {log.first.data && entries.length === 0 && <p className="muted">Nothing recorded{action ? ` for ${action}` : ""}.</p>}
      {entries.length > 0 && (
        <section className="card" aria-label="Audit entries">
          <table className="admin-table audit-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Entity</th>
                <th scope="col">Reason</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <AuditRow key={entry.id} entry={entry} />
              ))}
            </tbody>
          </table>
        </section>
      )}
      {log.moreError && <p className="error-text">{describeError(log.moreError)}</p>}
      {(log.loadMore || log.loadingMore) && (
        <button type="button" className="button load-more" onClick={() => log.loadMore?.()} disabled={log.loadingMore}>
          {log.loadingMore ? "Loading…" : "Load more"}
        </button>
      )}
    </main>
  );
}
