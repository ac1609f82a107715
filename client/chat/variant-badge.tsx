// Which experiment arm and prompt version produced an answer, and a warning
// tag when the built-in simulator, not a model, wrote it.
export function VariantBadge(props: { variant: string; promptVersion: number | null; model: string | null }) {
  const version = props.promptVersion === null ? "" : ` · v${props.promptVersion}`;
  const title = `Experiment variant "${props.variant}"${props.promptVersion === null ? "" : `, prompt version ${props.promptVersion}`}${props.model ? `, model ${props.model}` : ""}`;
  return (
    <span className="badge" data-testid="variant-badge" title={title}>
      {props.variant}
      {version}
    </span>
  );
}

export function SimulatorTag() {
  return (
    <span className="tag" title="Answered by PromptLab's built-in simulator, not a model. Set OPENAI_API_KEY or LLM_BASE_URL on the server for real answers.">
      simulated
    </span>
  );
}
