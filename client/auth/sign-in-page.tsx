// The sign-in screen: a key goes in, `me` checks it, and only an accepted key
// is kept. Every failure says what to do next.
import { useState, type FormEvent } from "react";
import { useAuth, type SignOutReason } from "./auth-context.tsx";
import { checkApiKey, type KeyCheck } from "./check-api-key.ts";

type Failure = Extract<KeyCheck, { ok: false }>["reason"];

const FAILURE_TEXT: Record<Failure, string> = {
  rejected: "That API key was not accepted. Check it for typos, or ask a PromptLab admin for a new one.",
  unreachable: "Can't reach the PromptLab server. Check that it is running, then try again.",
  server: "The server could not check the key right now. Try again in a moment.",
};

const SIGN_OUT_TEXT: Record<SignOutReason, string> = {
  "signed-out": "You have signed out.",
  "key-rejected": "Your API key stopped working (revoked or expired), so you were signed out.",
};

export function SignInPage() {
  const { signIn, lastSignOut } = useAuth();
  const [key, setKey] = useState("");
  const [checking, setChecking] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const candidate = key.trim();
    if (!candidate || checking) return;
    setChecking(true);
    setFailure(null);
    const result = await checkApiKey(candidate);
    setChecking(false);
    if (result.ok) signIn(candidate);
    else setFailure(result.reason);
  }

  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={submit} noValidate>
        <h1 className="sign-in-title">
          <span className="brand-mark" aria-hidden="true">P</span> PromptLab
        </h1>
        <p className="muted">Change LLM prompts safely: every change is an A/B experiment judged by real feedback.</p>
        {lastSignOut && !failure && (
          <p className="notice" role="status">
            {SIGN_OUT_TEXT[lastSignOut]}
          </p>
        )}
        <label htmlFor="api-key" className="field-label">
          API key
        </label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          autoFocus
          value={key}
          onChange={(event) => setKey(event.target.value)}
          aria-invalid={failure === "rejected"}
          aria-describedby={failure ? "sign-in-error" : "api-key-hint"}
        />
        <p id="api-key-hint" className="hint">
          Kept only in this browser tab and sent with each request.
        </p>
        {failure && (
          <p id="sign-in-error" className="error-text" role="alert">
            {FAILURE_TEXT[failure]}
          </p>
        )}
        <button type="submit" className="button primary" disabled={checking || key.trim() === ""}>
          {checking ? "Checking…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
