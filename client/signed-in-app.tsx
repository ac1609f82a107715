// The app once a key is accepted: header, connection banner and the screen for
// the current path. The results screen (with its charting library) and the
// admin screens load on first visit, so the chat opens without them.
import { lazy, Suspense, type ReactNode } from "react";
import { trpc } from "./api/trpc.ts";
import { AdminGate, type Role } from "./admin/admin-gate.tsx";
import { ChatPage } from "./chat/chat-page.tsx";
import { ExperimentsPage } from "./experiments/experiments-page.tsx";
import { AppHeader } from "./layout/app-header.tsx";
import { ConnectionBanner } from "./layout/connection-banner.tsx";
import { NotFoundPage } from "./layout/not-found-page.tsx";
import { useLocationPath } from "./router/history-location.ts";
import { routeFor, type Route } from "./router/routes.ts";

const ResultsPage = lazy(() => import("./results/results-page.tsx").then((module) => ({ default: module.ResultsPage })));
const AdminScreens = lazy(() => import("./admin/admin-screens.tsx").then((module) => ({ default: module.AdminScreens })));

function Loading(props: { children: ReactNode }) {
  return <Suspense fallback={<p className="page muted">Loading…</p>}>{props.children}</Suspense>;
}

function Screen(props: { route: Route; role: Role | null }) {
  const { route } = props;
  switch (route.name) {
    case "chat":
      return <ChatPage conversationId={route.conversationId} isAdmin={props.role === "admin"} />;
    case "experiments":
      return <ExperimentsPage isAdmin={props.role === "admin"} />;
    case "results":
      return (
        <Loading>
          <ResultsPage experimentKey={route.experimentKey} isAdmin={props.role === "admin"} />
        </Loading>
      );
    case "admin-experiments":
    case "admin-experiment":
    case "admin-variant":
    case "admin-audit":
    case "admin-message":
      return (
        <AdminGate role={props.role}>
          <Loading>
            <AdminScreens route={route} />
          </Loading>
        </AdminGate>
      );
    case "not-found":
      return <NotFoundPage />;
  }
}

export function SignedInApp() {
  const route = routeFor(useLocationPath());
  const me = trpc.me.useQuery();
  return (
    <div className="app">
      <AppHeader me={me.data} route={route} />
      <ConnectionBanner />
      <Screen route={route} role={me.data?.role ?? null} />
    </div>
  );
}
