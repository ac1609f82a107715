// Every screen of the client and the path that shows it. Paths carry ids
// (experiments by key for the results screen, by id in admin) so any screen
// survives a reload and can be linked to.
export type Route =
  | { name: "chat"; conversationId: string | null }
  | { name: "experiments" }
  | { name: "results"; experimentKey: string }
  | { name: "admin-experiments" }
  | { name: "admin-experiment"; experimentId: string }
  | { name: "admin-variant"; experimentId: string; variantId: string }
  | { name: "admin-audit"; experimentId: string | null }
  | { name: "admin-message"; messageId: string }
  | { name: "not-found" };

export type AdminRoute = Extract<Route, { name: `admin-${string}` }>;

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const CONVERSATION_PATH = new RegExp(`^/c/(${UUID})$`, "i");
const RESULTS_PATH = /^\/experiments\/([^/]+)$/;
const ADMIN_EXPERIMENT_PATH = new RegExp(`^/admin/experiments/(${UUID})$`, "i");
const ADMIN_VARIANT_PATH = new RegExp(`^/admin/experiments/(${UUID})/variants/(${UUID})$`, "i");
const ADMIN_MESSAGE_PATH = new RegExp(`^/admin/messages/(${UUID})$`, "i");
const UUID_ONLY = new RegExp(`^${UUID}$`, "i");

export const paths = {
  newChat: "/",
  conversation: (id: string) => `/c/${id}`,
  experiments: "/experiments",
  results: (experimentKey: string) => `/experiments/${encodeURIComponent(experimentKey)}`,
  admin: "/admin",
  adminExperiment: (experimentId: string) => `/admin/experiments/${experimentId}`,
  adminVariant: (experimentId: string, variantId: string) => `/admin/experiments/${experimentId}/variants/${variantId}`,
  adminAudit: (experimentId?: string | null) => (experimentId ? `/admin/audit?experiment=${experimentId}` : "/admin/audit"),
  adminMessage: (messageId: string) => `/admin/messages/${messageId}`,
};

export function isAdminRoute(route: Route): route is AdminRoute {
  return route.name.startsWith("admin-");
}

function decoded(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** `location` is a path with an optional query string, e.g. "/admin/audit?experiment=…". */
export function routeFor(location: string): Route {
  const [rawPath = "", query = ""] = location.split("?", 2);
  const pathname = rawPath.replace(/\/+$/, "") || "/";
  if (pathname === "/") return { name: "chat", conversationId: null };
  const conversation = CONVERSATION_PATH.exec(pathname);
  if (conversation?.[1]) return { name: "chat", conversationId: conversation[1].toLowerCase() };
  if (pathname === paths.experiments) return { name: "experiments" };
  const results = RESULTS_PATH.exec(pathname);
  const experimentKey = results?.[1] ? decoded(results[1]) : null;
  if (experimentKey) return { name: "results", experimentKey };
  if (pathname === paths.admin) return { name: "admin-experiments" };
  if (pathname === "/admin/audit") {
    const experimentId = new URLSearchParams(query).get("experiment");
    return { name: "admin-audit", experimentId: experimentId && UUID_ONLY.test(experimentId) ? experimentId.toLowerCase() : null };
  }
  const variant = ADMIN_VARIANT_PATH.exec(pathname);
  if (variant?.[1] && variant[2]) return { name: "admin-variant", experimentId: variant[1].toLowerCase(), variantId: variant[2].toLowerCase() };
  const experiment = ADMIN_EXPERIMENT_PATH.exec(pathname);
  if (experiment?.[1]) return { name: "admin-experiment", experimentId: experiment[1].toLowerCase() };
  const message = ADMIN_MESSAGE_PATH.exec(pathname);
  if (message?.[1]) return { name: "admin-message", messageId: message[1].toLowerCase() };
  return { name: "not-found" };
}
