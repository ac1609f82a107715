// The door to the admin screens: admins go through; anyone else is told why
// not, and none of the admin screens' code or queries run for them.
import type { ReactNode } from "react";
import type { Me } from "../api/trpc.ts";

export type Role = Me["role"];

export function AdminGate(props: { role: Role | null; children: ReactNode }) {
  if (props.role === "admin") return <>{props.children}</>;
  return (
    <main className="page">
      <h1>Admin</h1>
      {props.role === null ? (
        <p className="muted">Checking your role…</p>
      ) : (
        <p className="notice" role="status">
          This page needs the admin role. Your key belongs to a regular user.
        </p>
      )}
    </main>
  );
}
