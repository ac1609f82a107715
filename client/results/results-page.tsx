// The results screen for one experiment: the verdicts first, then the
// statistics per variant with their intervals, speed and cost (ending with
// cost per approved answer), approval over time, and the methods. The sample
// ratio mismatch banner sits on top when assignment looks broken. Refreshes
// every 30 seconds; Hour / Day changes the charts' buckets.
import { keepPreviousData } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "../api/api-errors.ts";
import { trpc, type ExperimentResults, type Granularity } from "../api/trpc.ts";
import { SegmentedControl } from "../layout/segmented-control.tsx";
import { Link } from "../router/link.tsx";
import { paths } from "../router/routes.ts";
import { ApprovalChart } from "./approval-chart.tsx";
import { ApprovalTable } from "./approval-table.tsx";
import { CostTable } from "./cost-table.tsx";
import { ExperimentPicker } from "./experiment-picker.tsx";
import { GRANULARITY_OPTIONS } from "./granularity.ts";
import { MethodsFooter } from "./methods-footer.tsx";
import { SrmBanner } from "./srm-banner.tsx";
import { VerdictList } from "./verdict-list.tsx";
import { VolumeChart } from "./volume-chart.tsx";
import "../styles/results.css";

const REFRESH_MS = 30_000;

function ResultsHeader(props: { results: ExperimentResults; adminId: string | null }) {
  const { results } = props;
  const tone = results.status === "running" ? "good" : "neutral";
  return (
    <div className="results-title">
      <h1>{results.name}</h1>
      <span className={`status-pill ${tone}`} data-testid="experiment-status">
        {results.status}
      </span>
      {results.killed && (
        <span className="status-pill bad" data-testid="killed-badge">
          killed
        </span>
      )}
      <code className="muted small">{results.experiment_key}</code>
      {props.adminId && (
        <Link href={paths.adminExperiment(props.adminId)} className="button small">
          Manage in admin
        </Link>
      )}
    </div>
  );
}

export function ResultsPage(props: { experimentKey: string; isAdmin: boolean }) {
  const [granularity, setGranularity] = useState<Granularity>("day");
  const results = trpc.experiments.results.useQuery(
    { experimentKey: props.experimentKey, granularity },
    { refetchInterval: REFRESH_MS, placeholderData: keepPreviousData },
  );
  const experiments = trpc.experiments.list.useQuery(undefined, { enabled: props.isAdmin });
  const adminId = experiments.data?.find((experiment) => experiment.key === props.experimentKey)?.id ?? null;
  const data = results.data?.experiment_key === props.experimentKey ? results.data : undefined;

  return (
    <main className="page results-page" aria-busy={results.isFetching}>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link href={paths.experiments}>Experiments</Link> <span aria-hidden="true">/</span> Results
      </nav>
      <div className="results-toolbar">
        <ExperimentPicker experimentKey={props.experimentKey} />
        <SegmentedControl legend="Time buckets" name="granularity" options={GRANULARITY_OPTIONS} value={granularity} onChange={setGranularity} />
        <span className="muted small" role="status">
          {results.isFetching ? "Refreshing…" : results.dataUpdatedAt ? `Updated ${new Date(results.dataUpdatedAt).toLocaleTimeString()}` : ""}
        </span>
      </div>
      {results.isPending && <p className="muted">Loading results…</p>}
      {results.isError && !data && <p className="error-text">{describeError(results.error)}</p>}
      {data && (
        <>
          <ResultsHeader results={data} adminId={props.isAdmin ? adminId : null} />
          {data.killed && <p className="notice">Killed: every user gets the control variant, so new answers only add to control.</p>}
          <SrmBanner srm={data.sample_ratio_mismatch} />
          <VerdictList variants={data.variants} />
          <ApprovalTable variants={data.variants} />
          <CostTable variants={data.variants} />
          <ApprovalChart timeSeries={data.time_series} />
          <VolumeChart timeSeries={data.time_series} />
          <MethodsFooter methods={data.methods} />
        </>
      )}
    </main>
  );
}
