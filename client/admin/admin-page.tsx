// Placeholder for the admin screens (prompt versions, allocation, kill switch),
// which another issue builds. Only admins are linked here; others are told why
// they cannot use it.
import { Link } from "../router/link.tsx";
import { paths } from "../router/routes.ts";

export function AdminPage(props: { isAdmin: boolean }) {
  return (
    <main className="page">
      <h1>Admin</h1>
      {props.isAdmin ? (
        <div className="card">
          <p>The admin screens are on their way: publishing prompt versions, changing traffic allocation, and the kill switch.</p>
          <p className="muted">
            Until then, see the results on the <Link href={paths.experiments}>experiments page</Link>.
          </p>
        </div>
      ) : (
        <p className="notice">This page needs the admin role. Your key belongs to a regular user.</p>
      )}
    </main>
  );
}
