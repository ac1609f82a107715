// Approval over time, one line per variant inside its shaded 95% interval:
// cumulative by default (where a result settles), or each bucket on its own
// (to spot a day that went wrong).
import { useMemo, useState } from "react";
import type { ExperimentResults } from "../api/trpc.ts";
import { SegmentedControl } from "../layout/segmented-control.tsx";
import { approvalChartModel, type ApprovalMode } from "./chart-data.ts";
import { ChartDataTable } from "./chart-data-table.tsx";
import { ApprovalLegend } from "./chart-legend.tsx";
import { TimeChart, type AxisSpec } from "./time-chart.tsx";

const AXES: readonly AxisSpec[] = [{ scale: "rate", side: "left", range: [0, 100], format: (value) => `${value}%` }];

const MODES = [
  { value: "cumulative", label: "Cumulative" },
  { value: "bucket", label: "Per bucket" },
] as const;

export function ApprovalChart(props: { timeSeries: ExperimentResults["time_series"] }) {
  const [mode, setMode] = useState<ApprovalMode>("cumulative");
  const [hovered, setHovered] = useState<number | null>(null);
  const { variants, granularity } = props.timeSeries;
  const model = useMemo(() => approvalChartModel(variants, mode), [variants, mode]);

  return (
    <section className="card chart-card" aria-labelledby="approval-chart-title" data-testid="approval-chart">
      <header className="chart-header">
        <div>
          <h2 id="approval-chart-title">Approval over time</h2>
          <p className="muted small">Line: share of 👍 among ratings. Band: its 95% Wilson interval. UTC {granularity}s.</p>
        </div>
        <SegmentedControl legend="Approval shown" name="approval-mode" options={MODES} value={mode} onChange={setMode} />
      </header>
      {model.xs.length === 0 ? (
        <p className="muted">No answers yet: the chart starts with the first one.</p>
      ) : (
        <>
          <TimeChart model={model} axes={AXES} height={260} granularity={granularity} onHover={setHovered} />
          <ApprovalLegend series={variants} buckets={model.buckets} index={hovered} mode={mode} granularity={granularity} />
        </>
      )}
      <ChartDataTable timeSeries={props.timeSeries} />
    </section>
  );
}
