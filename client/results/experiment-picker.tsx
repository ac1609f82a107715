// Which experiment's results to show: a labelled select that navigates, so
// each experiment's results have their own address.
import { trpc } from "../api/trpc.ts";
import { navigate } from "../router/history-location.ts";
import { paths } from "../router/routes.ts";

export function ExperimentPicker(props: { experimentKey: string }) {
  const experiments = trpc.experiments.list.useQuery();
  const known = experiments.data?.some((experiment) => experiment.key === props.experimentKey) ?? true;
  return (
    <div className="field inline-field">
      <label htmlFor="experiment-picker" className="field-label">
        Experiment
      </label>
      <select id="experiment-picker" value={props.experimentKey} onChange={(event) => navigate(paths.results(event.target.value))}>
        {!known && <option value={props.experimentKey}>{props.experimentKey}</option>}
        {experiments.data?.map((experiment) => (
          <option key={experiment.key} value={experiment.key}>
            {experiment.name} ({experiment.key})
          </option>
        )) ?? <option value={props.experimentKey}>{props.experimentKey}</option>}
      </select>
    </div>
  );
}
