// Any path the client has no screen for.
import { Link } from "../router/link.tsx";
import { paths } from "../router/routes.ts";

export function NotFoundPage() {
  return (
    <main className="page">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address. Go to the <Link href={paths.newChat}>chat</Link> or the{" "}
        <Link href={paths.experiments}>experiments</Link>.
      </p>
    </main>
  );
}
