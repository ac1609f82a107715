// Who is signed in: the API key for this tab, and why the last session ended
// (so the sign-in screen can say "your key stopped working" rather than nothing).
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { forgetApiKey, readStoredApiKey, storeApiKey } from "./api-key-storage.ts";

export type SignOutReason = "signed-out" | "key-rejected";

interface Auth {
  apiKey: string | null;
  lastSignOut: SignOutReason | null;
  signIn(apiKey: string): void;
  signOut(reason?: SignOutReason): void;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider(props: { children: ReactNode }) {
  const [apiKey, setApiKey] = useState(readStoredApiKey);
  const [lastSignOut, setLastSignOut] = useState<SignOutReason | null>(null);

  const signIn = useCallback((key: string) => {
    storeApiKey(key);
    setLastSignOut(null);
    setApiKey(key);
  }, []);

  const signOut = useCallback((reason: SignOutReason = "signed-out") => {
    forgetApiKey();
    setLastSignOut(reason);
    setApiKey(null);
  }, []);

  const value = useMemo(() => ({ apiKey, lastSignOut, signIn, signOut }), [apiKey, lastSignOut, signIn, signOut]);
  return <AuthContext.Provider value={value}>{props.children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth needs an <AuthProvider> above it");
  return auth;
}

/** The key of the signed-in session; only for components inside the signed-in app. */
export function useApiKey(): string {
  const { apiKey } = useAuth();
  if (!apiKey) throw new Error("useApiKey used while signed out");
  return apiKey;
}
