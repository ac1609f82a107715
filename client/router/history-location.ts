// A tiny router over the History API: the current location (path and query)
// as React state, and navigate() to change it. The server answers every
// extension-less path with index.html, so any route here survives a reload.
import { useSyncExternalStore } from "react";

const CHANGE_EVENT = "promptlab:navigate";

function subscribe(listener: () => void): () => void {
  window.addEventListener("popstate", listener);
  window.addEventListener(CHANGE_EVENT, listener);
  return () => {
    window.removeEventListener("popstate", listener);
    window.removeEventListener(CHANGE_EVENT, listener);
  };
}

const currentLocation = () => window.location.pathname + window.location.search;

/** The path plus its query string, e.g. "/admin/audit?experiment=…". */
export function useLocationPath(): string {
  return useSyncExternalStore(subscribe, currentLocation);
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === currentLocation()) return;
  if (options.replace) window.history.replaceState(null, "", path);
  else window.history.pushState(null, "", path);
  window.dispatchEvent(new Event(CHANGE_EVENT));
}
