// /admin/experiments/:id/variants/:variantId — a variant's prompt versions,
// newest first, a side-by-side diff of any two, and a form for a new version.
import { useState } from "react";
import { describeError } from "../api/api-errors.ts";
import { trpc, type PromptVersion } from "../api/trpc.ts";
import { Link } from "../router/link.tsx";
import { paths } from "../router/routes.ts";
import { NewVersionForm } from "./new-version-form.tsx";
import { VersionCard } from "./version-card.tsx";
import { VersionDiff } from "./version-diff.tsx";

function VersionSelect(props: { id: string; label: string; versions: PromptVersion[]; value: string; onChange(id: string): void }) {
  return (
    <div className="field">
      <label htmlFor={props.id} className="field-label">
        {props.label}
      </label>
      <select id={props.id} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        {props.versions.map((version) => (
          <option key={version.id} value={version.id}>
            v{version.version}
            {version.isActive ? " (active)" : version.isCanary ? " (canary)" : ""}
          </option>
        ))}
      </select>
    </div>
  );
}

function Compare(props: { versions: PromptVersion[]; from: string; to: string; onChange(from: string, to: string): void }) {
  return (
    <section className="card" aria-labelledby="compare-title">
      <h2 id="compare-title">Compare versions</h2>
      <div className="field-row">
        <VersionSelect id="diff-from" label="From" versions={props.versions} value={props.from} onChange={(from) => props.onChange(from, props.to)} />
        <VersionSelect id="diff-to" label="To" versions={props.versions} value={props.to} onChange={(to) => props.onChange(props.from, to)} />
      </div>
      {props.from === props.to ? <p className="muted">Pick two different versions.</p> : <VersionDiff fromVersionId={props.from} toVersionId={props.to} />}
    </section>
  );
}

export function PromptVersionsPage(props: { experimentId: string; variantId: string }) {
  const detail = trpc.admin.experiments.get.useQuery({ experimentId: props.experimentId }, { refetchInterval: 5_000 });
  const versions = trpc.admin.prompts.versions.useQuery({ variantId: props.variantId });
  const [creating, setCreating] = useState(false);
  const [picked, setPicked] = useState<{ from: string; to: string } | null>(null);
  const variant = detail.data?.variants.find((candidate) => candidate.id === props.variantId);
  const list = versions.data ?? [];
  const active = list.find((version) => version.isActive);
  const newest = list[0];
  const pair = picked ?? (active && newest && active.id !== newest.id ? { from: active.id, to: newest.id } : list.length > 1 ? { from: list[1]!.id, to: list[0]!.id } : null);

  return (
    <main className="page admin-page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href={paths.admin}>Admin</Link> <span aria-hidden="true">/</span>{" "}
        <Link href={paths.adminExperiment(props.experimentId)}>{detail.data?.name ?? "Experiment"}</Link> <span aria-hidden="true">/</span>{" "}
        {variant?.key ?? "Variant"}
      </nav>
      <header className="page-header">
        <div>
          <h1>Prompt versions of {variant?.key ?? "…"}</h1>
          <p className="muted">
            Versions never change once created. Publishing or rolling back moves the active pointer, at once, for every instance.
          </p>
        </div>
        <div className="page-actions">
          <button type="button" className="button primary" aria-expanded={creating} onClick={() => setCreating((open) => !open)} disabled={!versions.data}>
            {creating ? "Close form" : "New version"}
          </button>
        </div>
      </header>
      {creating && <NewVersionForm variantId={props.variantId} base={active} onDone={() => setCreating(false)} />}
      {(versions.isPending || detail.isPending) && <p className="muted">Loading versions…</p>}
      {versions.isError && <p className="error-text">{describeError(versions.error)}</p>}
      {detail.isError && <p className="error-text">{describeError(detail.error)}</p>}
      {pair && <Compare versions={list} from={pair.from} to={pair.to} onChange={(from, to) => setPicked({ from, to })} />}
      {detail.data && (
        <section aria-labelledby="versions-title" className="versions">
          <h2 id="versions-title" className="visually-hidden">
            Versions
          </h2>
          {list.map((version) => (
            <VersionCard
              key={version.id}
              version={version}
              active={active}
              canaryRamping={variant?.canary != null}
              variantKey={variant?.key ?? "this variant"}
              expectedVersion={detail.data.version}
              onCompare={() => active && setPicked({ from: active.id, to: version.id })}
            />
          ))}
        </section>
      )}
    </main>
  );
}
