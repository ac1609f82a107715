// The top bar: where you are, who you are, how many chats are left this hour,
// and sign-out.
import type { Me } from "../api/trpc.ts";
import { useAuth } from "../auth/auth-context.tsx";
import { Link } from "../router/link.tsx";
import { isAdminRoute, paths, type Route } from "../router/routes.ts";

function NavLink(props: { href: string; active: boolean; children: string }) {
  return (
    <Link href={props.href} className="nav-link" aria-current={props.active ? "page" : undefined}>
      {props.children}
    </Link>
  );
}

export function AppHeader(props: { me: Me | undefined; route: Route }) {
  const { signOut } = useAuth();
  const { me, route } = props;
  return (
    <header className="app-header">
      <Link href={paths.newChat} className="brand" aria-label="PromptLab home">
        <span className="brand-mark" aria-hidden="true">P</span>
        <span className="brand-name">PromptLab</span>
      </Link>
      <nav className="main-nav" aria-label="Main">
        <NavLink href={paths.newChat} active={route.name === "chat"}>
          Chat
        </NavLink>
        <NavLink href={paths.experiments} active={route.name === "experiments" || route.name === "results"}>
          Experiments
        </NavLink>
        {me?.role === "admin" && (
          <NavLink href={paths.admin} active={isAdminRoute(route)}>
            Admin
          </NavLink>
        )}
      </nav>
      <div className="account">
        {me && (
          <span className="account-info" title={`Signed in as ${me.name} (${me.role})`}>
            <span className="account-name">{me.name}</span>
            <span className="muted small" data-testid="rate-limit-remaining">
              {me.rateLimit.remaining}/{me.rateLimit.limit} chats left this hour
            </span>
          </span>
        )}
        <button type="button" className="button small" onClick={() => signOut()}>
          Sign out
        </button>
      </div>
    </header>
  );
}
