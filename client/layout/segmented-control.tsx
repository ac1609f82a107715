// A small set of mutually exclusive choices (Hour / Day), drawn as joined
// buttons but made of native radio inputs, so arrow keys, labels and screen
// readers work as they do for any radio group.
export interface SegmentedOption<T extends string> {
  value: T;
  label: string;
}

export function SegmentedControl<T extends string>(props: {
  legend: string;
  name: string;
  options: ReadonlyArray<SegmentedOption<T>>;
  value: T;
  onChange(value: NoInfer<T>): void;
}) {
  return (
    <fieldset className="segmented">
      <legend className="segmented-legend">{props.legend}</legend>
      <div className="segmented-options">
        {props.options.map((option) => (
          <label key={option.value} className="segment">
            <input
              type="radio"
              name={props.name}
              value={option.value}
              checked={props.value === option.value}
              onChange={() => props.onChange(option.value)}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
