// An experiment's state in one glance: its status, a red KILLED while the kill
// switch is on, and which variant shipped once completed.
export function ExperimentStatus(props: { status: string; killed: boolean; shippedVariant: string | null }) {
  const tone = props.status === "running" ? "good" : props.status === "paused" ? "warn" : "neutral";
  return (
    <span className="status-line">
      <span className={`status-pill ${tone}`} data-testid="experiment-status">
        {props.status}
      </span>
      {props.killed && (
        <span className="status-pill killed" data-testid="killed-badge">
          KILLED
        </span>
      )}
      {props.status === "completed" && props.shippedVariant && <span className="status-pill good">shipped: {props.shippedVariant}</span>}
    </span>
  );
}
