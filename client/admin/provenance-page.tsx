// /admin/messages/:id — "Why this answer?": the exact prompt version (text,
// model, parameters, author) behind a stored answer, the parameters as sent,
// what actually served it (provider, model, fallback), and the turns sent
// upstream, rebuilt from the conversation.
import { describeError } from "../api/api-errors.ts";
import { trpc } from "../api/trpc.ts";
import { formatCount, formatDuration } from "../format/metrics-format.ts";
import { formatMoneyTrimmed } from "../format/stats-format.ts";
import { Link } from "../router/link.tsx";
import { paths } from "../router/routes.ts";
import { exactTime, shortTime } from "./format-time.ts";

export function ProvenancePage(props: { messageId: string }) {
  const provenance = trpc.admin.prompts.provenance.useQuery({ messageId: props.messageId });
  const data = provenance.data;
  const version = data?.promptVersion;
  return (
    <main className="page admin-page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href={paths.admin}>Admin</Link> <span aria-hidden="true">/</span> Why this answer?
      </nav>
      <h1>Why this answer?</h1>
      {provenance.isPending && <p className="muted">Loading…</p>}
      {provenance.isError && <p className="error-text">{describeError(provenance.error)}</p>}
      {data && (
        <>
          <section className="card" aria-labelledby="served-title">
            <h2 id="served-title">Served</h2>
            <dl className="live-numbers wide">
              <div>
                <dt>Provider / model</dt>
                <dd data-testid="served-model">
                  {data.message.provider ?? "—"} / {data.message.model ?? "—"}
                </dd>
              </div>
              <div>
                <dt>Fallback</dt>
                <dd data-testid="fallback">{data.message.fallback ? "yes: another provider or model answered" : "no"}</dd>
              </div>
              <div>
                <dt>Status</dt>
                <dd>{data.message.status}</dd>
              </div>
              <div>
                <dt>Experiment / variant</dt>
                <dd>
                  {data.message.experimentKey ?? "—"} / {data.message.variant ?? "—"}
                </dd>
              </div>
              <div>
                <dt>Tokens in / out</dt>
                <dd>
                  {formatCount(data.message.tokensIn ?? 0)} / {formatCount(data.message.tokensOut ?? 0)}
                </dd>
              </div>
              <div>
                <dt>Latency</dt>
                <dd>{formatDuration(data.message.latencyMs)}</dd>
              </div>
              <div>
                <dt>Cost</dt>
                <dd>{formatMoneyTrimmed(data.message.costUsd)}</dd>
              </div>
              <div>
                <dt>Trace id</dt>
                <dd>
                  <code>{data.message.traceId ?? "—"}</code>
                </dd>
              </div>
            </dl>
          </section>
          <section className="card" aria-labelledby="version-title">
            <h2 id="version-title">Prompt version</h2>
            {version ? (
              <>
                <p>
                  <strong data-testid="provenance-version">v{version.version}</strong> of{" "}
                  <Link href={paths.adminVariant(version.experiment.id, version.variant.id)}>
                    {version.experiment.key} / {version.variant.key}
                  </Link>{" "}
                  <span className="muted small">
                    by {version.author?.name ?? "unknown"} · <time dateTime={exactTime(version.createdAt)}>{shortTime(version.createdAt)}</time>
                    {version.note ? ` · ${version.note}` : ""}
                  </span>
                </p>
                <p className="small">
                  Model <code>{version.model}</code> · parameters <code>{JSON.stringify(version.parameters)}</code> · sent as{" "}
                  <code>{JSON.stringify(data.sentParameters)}</code>
                </p>
                <pre className="prompt-text" data-testid="provenance-prompt">
                  {version.systemPrompt}
                </pre>
              </>
            ) : (
              <p className="muted">No prompt version: this answer was not part of an experiment.</p>
            )}
          </section>
          {data.turns && (
            <section className="card" aria-labelledby="turns-title">
              <h2 id="turns-title">Turns sent upstream</h2>
              <ol className="turns">
                {data.turns.map((turn, index) => (
                  <li key={index} className={`turn ${turn.role}`}>
                    <span className="tag">{turn.role}</span>
                    <pre className="prompt-text">{turn.content}</pre>
                  </li>
                ))}
              </ol>
            </section>
          )}
        </>
      )}
    </main>
  );
}
