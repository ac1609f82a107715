// The root: the sign-in screen until a key is accepted, then the app, with
// API providers mounted per key so a new session starts from clean caches.
import { ApiProviders } from "./api/api-providers.tsx";
import { AuthProvider, useAuth } from "./auth/auth-context.tsx";
import { SignInPage } from "./auth/sign-in-page.tsx";
import { SignedInApp } from "./signed-in-app.tsx";

function Gate() {
  const { apiKey, signOut } = useAuth();
  if (!apiKey) return <SignInPage />;
  return (
    <ApiProviders key={apiKey} apiKey={apiKey} onUnauthorized={() => signOut("key-rejected")}>
      <SignedInApp />
    </ApiProviders>
  );
}

export function App() {
  return (
    <AuthProvider>
      <Gate />
    </AuthProvider>
  );
}
