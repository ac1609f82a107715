// Two prompt versions compared: the system prompt side by side with line
// numbers, the model change, and the parameters diffed the same way.
import { describeError } from "../api/api-errors.ts";
import { trpc, type RouterOutputs } from "../api/trpc.ts";
import { sideBySide } from "./diff-rows.ts";

type LineDiff = RouterOutputs["admin"]["prompts"]["diff"]["systemPrompt"];

function DiffTable(props: { title: string; diff: LineDiff; fromLabel: string; toLabel: string }) {
  const rows = sideBySide(props.diff.lines);
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={props.title}>
      <table className="diff-table">
        <caption>
          {props.title}: <span className="diff-added">+{props.diff.added}</span> <span className="diff-removed">−{props.diff.removed}</span>
        </caption>
        <colgroup>
          <col className="line-column" />
          <col />
          <col className="line-column" />
          <col />
        </colgroup>
        <thead>
          <tr>
            <th scope="col" colSpan={2}>
              {props.fromLabel}
            </th>
            <th scope="col" colSpan={2}>
              {props.toLabel}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              <td className="line-number">{row.old?.line ?? ""}</td>
              <td className={`diff-text ${row.old?.kind ?? "empty"}`}>
                {row.old && row.old.kind === "removed" && <span className="visually-hidden">removed: </span>}
                {row.old?.text}
              </td>
              <td className="line-number">{row.new?.line ?? ""}</td>
              <td className={`diff-text ${row.new?.kind ?? "empty"}`}>
                {row.new && row.new.kind === "added" && <span className="visually-hidden">added: </span>}
                {row.new?.text}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function VersionDiff(props: { fromVersionId: string; toVersionId: string }) {
  const diff = trpc.admin.prompts.diff.useQuery({ fromVersionId: props.fromVersionId, toVersionId: props.toVersionId });
  if (diff.isPending) return <p className="muted">Comparing…</p>;
  if (diff.isError) return <p className="error-text">{describeError(diff.error)}</p>;
  const { from, to, model } = diff.data;
  const fromLabel = `v${from.version}`;
  const toLabel = `v${to.version}`;
  return (
    <div className="version-diff" data-testid="version-diff">
      <DiffTable title="System prompt" diff={diff.data.systemPrompt} fromLabel={fromLabel} toLabel={toLabel} />
      <p data-testid="model-change">
        Model:{" "}
        {model.changed ? (
          <>
            <code>{model.from}</code> → <code>{model.to}</code>
          </>
        ) : (
          <>
            <code>{model.to}</code> <span className="muted">(unchanged)</span>
          </>
        )}
      </p>
      <DiffTable title="Parameters" diff={diff.data.parameters} fromLabel={fromLabel} toLabel={toLabel} />
    </div>
  );
}
