// The API key lives in session storage: it survives a reload but not closing
// the tab, and it is never part of the bundle.
const STORAGE_KEY = "promptlab.apiKey";

export function readStoredApiKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: the person signs in per page load
  }
}

export function storeApiKey(key: string): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // Still signed in for this page; only a reload will ask again.
  }
}

export function forgetApiKey(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}
