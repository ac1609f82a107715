// The message box: Enter sends, Shift+Enter breaks the line, and while an
// answer streams the Send button becomes Stop. Text the server refused comes
// back into the box, so nothing typed is lost.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";

interface ComposerProps {
  busy: boolean;
  onSend(text: string): Promise<boolean>;
  onStop(): void;
  /** Changes when a different conversation opens, to refocus the box. */
  focusKey: string;
}

export function Composer(props: ComposerProps) {
  const [draft, setDraft] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => box.current?.focus(), [props.focusKey]);

  async function send() {
    const text = draft;
    if (!text.trim() || props.busy) return;
    setDraft("");
    const sent = await props.onSend(text);
    if (!sent) setDraft((current) => current || text);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void send();
  }

  return (
    <form className="composer" onSubmit={onSubmit}>
      <label htmlFor="message-box" className="visually-hidden">
        Message
      </label>
      <textarea
        id="message-box"
        ref={box}
        rows={2}
        placeholder="Ask something…"
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby="composer-hint"
      />
      <div className="composer-bar">
        <span id="composer-hint" className="hint">
          Enter to send · Shift+Enter for a new line
        </span>
        {props.busy ? (
          <button type="button" className="button danger" onClick={props.onStop}>
            Stop
          </button>
        ) : (
          <button type="submit" className="button primary" disabled={!draft.trim()}>
            Send
          </button>
        )}
      </div>
    </form>
  );
}
