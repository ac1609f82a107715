// Every screen of the client and the path that shows it.
export type Route =
  | { name: "chat"; conversationId: string | null }
  | { name: "experiments" }
  | { name: "admin" }
  | { name: "not-found" };

const CONVERSATION_PATH = /^\/c\/([0-9a-f-]{36})\/?$/i;

export const paths = {
  newChat: "/",
  conversation: (id: string) => `/c/${id}`,
  experiments: "/experiments",
  admin: "/admin",
};

export function routeFor(pathname: string): Route {
  if (pathname === "/" || pathname === "") return { name: "chat", conversationId: null };
  const conversation = CONVERSATION_PATH.exec(pathname);
  if (conversation?.[1]) return { name: "chat", conversationId: conversation[1].toLowerCase() };
  const trimmed = pathname.replace(/\/+$/, "");
  if (trimmed === paths.experiments) return { name: "experiments" };
  if (trimmed === paths.admin || trimmed.startsWith(`${paths.admin}/`)) return { name: "admin" };
  return { name: "not-found" };
}
