// One variant on the experiment page: its traffic share, the active prompt
// version (and the way to its versions), live numbers, any ramping canary and
// what the guardrails say about it.
import type { AdminExperimentDetail, AdminVariant } from "../api/trpc.ts";
import { formatCount } from "../format/metrics-format.ts";
import { formatMoney, formatRate } from "../format/stats-format.ts";
import { Link } from "../router/link.tsx";
import { paths } from "../router/routes.ts";
import { CanaryProgress } from "./canary-progress.tsx";
import { GuardrailFindings } from "./guardrail-findings.tsx";

function LiveNumbers(props: { stats: AdminVariant["stats"] }) {
  const { stats } = props;
  if (!stats) return <p className="muted small">No answers yet.</p>;
  return (
    <dl className="live-numbers">
      <div>
        <dt>Users</dt>
        <dd data-testid="live-users">{formatCount(stats.users)}</dd>
      </div>
      <div>
        <dt>Answers</dt>
        <dd data-testid="live-messages">{formatCount(stats.messages)}</dd>
      </div>
      <div>
        <dt>Ratings</dt>
        <dd>{formatCount(stats.feedback_count)}</dd>
      </div>
      <div>
        <dt>Approval</dt>
        <dd>{formatRate(stats.approval_rate)}</dd>
      </div>
      <div>
        <dt>Cost / approved</dt>
        <dd>{formatMoney(stats.compared.cost_per_approved_answer_usd)}</dd>
      </div>
    </dl>
  );
}

export function VariantCard(props: { detail: AdminExperimentDetail; variant: AdminVariant }) {
  const { detail, variant } = props;
  const active = variant.activeVersion;
  return (
    <article className="card variant-card" aria-labelledby={`variant-${variant.id}`} data-variant={variant.key}>
      <header className="variant-card-header">
        <h3 id={`variant-${variant.id}`}>
          {variant.key}
          {variant.isControl && <span className="tag">control</span>}
        </h3>
        <span className="allocation" data-testid="allocation">
          {variant.allocation}%
        </span>
      </header>
      <p>
        Active prompt <strong data-testid="active-version">v{active?.version ?? "?"}</strong>
        {active && <span className="muted small"> · {active.model}{active.note ? ` · ${active.note}` : ""}</span>}
      </p>
      <Link href={paths.adminVariant(detail.id, variant.id)} className="button small">
        Prompt versions of {variant.key}
      </Link>
      <LiveNumbers stats={variant.stats} />
      {variant.canary && <CanaryProgress variant={variant} canary={variant.canary} expectedVersion={detail.version} />}
      {variant.guardrails.vsControl && <GuardrailFindings title="Guardrails against control" findings={variant.guardrails.vsControl.verdict.findings} />}
      {variant.guardrails.canary && <GuardrailFindings title="Canary guardrails against the active version" findings={variant.guardrails.canary.verdict.findings} />}
    </article>
  );
}
