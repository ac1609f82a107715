// A form field's messages from the server's zod errors ("variants.0.key"), and
// the ones no field on the form shows, so none is silently dropped.
export type FieldErrors = Record<string, string[]>;

export function fieldErrorId(formId: string, path: string): string {
  return `${formId}-${path.replace(/[^a-z0-9]+/gi, "-")}-error`;
}

export function FieldError(props: { formId: string; path: string; errors: FieldErrors }) {
  const messages = props.errors[props.path];
  if (!messages?.length) return null;
  return (
    <p id={fieldErrorId(props.formId, props.path)} className="error-text small">
      {messages.join("; ")}
    </p>
  );
}

/** aria props for an input whose messages FieldError shows. */
export function invalidProps(formId: string, path: string, errors: FieldErrors) {
  return errors[path]?.length ? { "aria-invalid": true, "aria-describedby": fieldErrorId(formId, path) } : {};
}

export function OtherErrors(props: { errors: FieldErrors; shown: ReadonlySet<string> }) {
  const rest = Object.entries(props.errors).filter(([path]) => !props.shown.has(path));
  if (rest.length === 0) return null;
  return (
    <ul className="error-text small" role="alert">
      {rest.map(([path, messages]) => (
        <li key={path}>
          {path === "(body)" ? "" : `${path}: `}
          {messages.join("; ")}
        </li>
      ))}
    </ul>
  );
}
