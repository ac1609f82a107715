// Times on the admin screens: short and local, with the exact instant in a
// title for anyone who needs it.
const SHORT = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

export function shortTime(iso: string | Date | null | undefined): string {
  return iso ? SHORT.format(new Date(iso)) : "—";
}

export function exactTime(iso: string | Date | null | undefined): string | undefined {
  return iso ? new Date(iso).toISOString() : undefined;
}
