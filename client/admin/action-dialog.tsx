// The confirm dialog every admin action goes through: a native modal <dialog>
// (focus moves in, Escape cancels, focus returns to the button), a reason field
// that is required, optional or absent, and the server's answer shown in place
// when it refuses (a 409 says what changed, and the screen reloads behind it).
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import { describeError } from "../api/api-errors.ts";

/** The server wants a trimmed reason of at least this many characters. */
export const MIN_REASON_LENGTH = 3;

export interface ActionDialogProps {
  title: string;
  confirmLabel: string;
  tone?: "danger" | "primary";
  reason: "required" | "optional" | "none";
  /** Other fields the action needs, and whether they are filled in. */
  children?: ReactNode;
  ready?: boolean;
  onConfirm(reason: string | undefined): Promise<unknown>;
  onClose(): void;
}

export function ActionDialog(props: ActionDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const reasonId = useId();
  const titleId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const trimmed = reason.trim();
  const reasonMissing = props.reason === "required" && trimmed.length < MIN_REASON_LENGTH;
  const canConfirm = !pending && !reasonMissing && (props.ready ?? true);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!canConfirm) return;
    setPending(true);
    setFailure(null);
    try {
      await props.onConfirm(props.reason === "none" || trimmed === "" ? undefined : trimmed);
      dialog.current?.close();
    } catch (error) {
      setFailure(describeError(error));
      setPending(false);
    }
  }

  return (
    <dialog ref={dialog} className="action-dialog" aria-labelledby={titleId} onClose={props.onClose}>
      <form onSubmit={submit} className="dialog-form">
        <h2 id={titleId}>{props.title}</h2>
        {props.children}
        {props.reason !== "none" && (
          <div className="field">
            <label htmlFor={reasonId} className="field-label">
              Reason{props.reason === "optional" ? " (optional)" : ""}
            </label>
            <textarea id={reasonId} rows={2} value={reason} onChange={(event) => setReason(event.target.value)} aria-describedby={`${reasonId}-hint`} />
            <p id={`${reasonId}-hint`} className="hint">
              {props.reason === "required" ? `Required, at least ${MIN_REASON_LENGTH} characters. ` : ""}Kept in the audit log.
            </p>
          </div>
        )}
        {failure && (
          <p className="error-text" role="alert">
            {failure}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" className={`button ${props.tone ?? "primary"}`} disabled={!canConfirm}>
            {pending ? "Working…" : props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
