// The app once a key is accepted: header, connection banner and the screen for
// the current path.
import { trpc } from "./api/trpc.ts";
import { AdminPage } from "./admin/admin-page.tsx";
import { ChatPage } from "./chat/chat-page.tsx";
import { ExperimentsPage } from "./experiments/experiments-page.tsx";
import { AppHeader } from "./layout/app-header.tsx";
import { ConnectionBanner } from "./layout/connection-banner.tsx";
import { NotFoundPage } from "./layout/not-found-page.tsx";
import { usePathname } from "./router/history-location.ts";
import { routeFor, type Route } from "./router/routes.ts";

function Screen(props: { route: Route; isAdmin: boolean }) {
  const { route } = props;
  switch (route.name) {
    case "chat":
      return <ChatPage conversationId={route.conversationId} />;
    case "experiments":
      return <ExperimentsPage isAdmin={props.isAdmin} />;
    case "admin":
      return <AdminPage isAdmin={props.isAdmin} />;
    case "not-found":
      return <NotFoundPage />;
  }
}

export function SignedInApp() {
  const route = routeFor(usePathname());
  const me = trpc.me.useQuery();
  return (
    <div className="app">
      <AppHeader me={me.data} route={route} />
      <ConnectionBanner />
      <Screen route={route} isAdmin={me.data?.role === "admin"} />
    </div>
  );
}
