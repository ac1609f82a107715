// /admin/experiments/:id — one experiment, refreshed every 5 seconds: its
// state and actions (kill switch included), each variant's prompt, live
// numbers, canary and guardrails, the allocation, the guardrail thresholds and
// the gateway's system-message policy.
import { describeError } from "../api/api-errors.ts";
import { trpc } from "../api/trpc.ts";
import { Link } from "../router/link.tsx";
import { paths } from "../router/routes.ts";
import { AllocationEditor } from "./allocation-editor.tsx";
import { ExperimentStatus } from "./experiment-status.tsx";
import { GuardrailSettings } from "./guardrail-settings.tsx";
import { LifecycleActions } from "./lifecycle-actions.tsx";
import { SystemMessagePolicy } from "./system-message-policy.tsx";
import { VariantCard } from "./variant-card.tsx";

const REFRESH_MS = 5_000;

export function ExperimentDetailPage(props: { experimentId: string }) {
  const detail = trpc.admin.experiments.get.useQuery({ experimentId: props.experimentId }, { refetchInterval: REFRESH_MS });
  const data = detail.data;
  return (
    <main className="page admin-page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href={paths.admin}>Admin</Link> <span aria-hidden="true">/</span> {data?.name ?? "Experiment"}
      </nav>
      {detail.isPending && <p className="muted">Loading the experiment…</p>}
      {detail.isError && !data && <p className="error-text">{describeError(detail.error)}</p>}
      {data && (
        <>
          <header className="page-header">
            <div>
              <div className="results-title">
                <h1>{data.name}</h1>
                <ExperimentStatus status={data.status} killed={data.killed} shippedVariant={data.shippedVariant?.key ?? null} />
                <span className="muted small" data-testid="config-version">
                  config v{data.version}
                </span>
              </div>
              <p className="muted">
                <code>{data.key}</code>
                {data.description ? ` · ${data.description}` : ""}
              </p>
            </div>
            <div className="page-actions">
              <Link href={paths.results(data.key)} className="button small">
                Results
              </Link>
              <Link href={paths.adminAudit(data.id)} className="button small">
                Audit log
              </Link>
            </div>
          </header>
          {data.killed && (
            <p className="notice kill-notice" role="status">
              Kill switch on: every user gets the control variant. Resume lifts it.
            </p>
          )}
          <LifecycleActions detail={data} />
          <section aria-labelledby="variants-title" className="variants-section">
            <h2 id="variants-title">Variants</h2>
            <div className="variant-grid">
              {data.variants.map((variant) => (
                <VariantCard key={variant.id} detail={data} variant={variant} />
              ))}
            </div>
          </section>
          <AllocationEditor detail={data} />
          <GuardrailSettings detail={data} />
          <SystemMessagePolicy detail={data} />
        </>
      )}
    </main>
  );
}
