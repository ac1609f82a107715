// The admin screens, loaded only when an admin first opens one: the
// experiments list, one experiment, a variant's prompt versions, the audit log
// and a message's provenance. Their styles load with them.
import type { AdminRoute } from "../router/routes.ts";
import "../styles/admin.css";
import "../styles/admin-experiment.css";
import "../styles/prompt-versions.css";
import { AuditPage } from "./audit-page.tsx";
import { ExperimentDetailPage } from "./experiment-detail-page.tsx";
import { ExperimentsListPage } from "./experiments-list-page.tsx";
import { PromptVersionsPage } from "./prompt-versions-page.tsx";
import { ProvenancePage } from "./provenance-page.tsx";

export function AdminScreens(props: { route: AdminRoute }) {
  const { route } = props;
  switch (route.name) {
    case "admin-experiments":
      return <ExperimentsListPage />;
    case "admin-experiment":
      return <ExperimentDetailPage experimentId={route.experimentId} />;
    case "admin-variant":
      return <PromptVersionsPage experimentId={route.experimentId} variantId={route.variantId} />;
    case "admin-audit":
      return <AuditPage experimentId={route.experimentId} />;
    case "admin-message":
      return <ProvenancePage messageId={route.messageId} />;
  }
}
