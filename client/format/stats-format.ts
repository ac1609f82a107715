// How the results screen writes statistics. The end-to-end spec formats the
// procedure's numbers with these same functions and expects the screen to
// match, so each rule here is the contract: rates to one decimal ("55.0%"),
// intervals "a% – b%", differences in signed percentage points ("+5.0 pts"),
// p-values "< 0.001" below a thousandth, money exactly as the server sent it
// (a decimal string, never rounded through a float), and "—" for no value.
export interface Interval {
  lower: number;
  upper: number;
}

export const NONE = "—";

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const signed = (text: string, value: number) => (value > 0 ? `+${text}` : text);
const points = (difference: number) => signed((difference * 100).toFixed(1), difference);

export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? NONE : percent(rate);
}

export function formatRateInterval(interval: Interval | null | undefined): string {
  return interval ? `${percent(interval.lower)} – ${percent(interval.upper)}` : NONE;
}

/** A difference of two rates, in percentage points: "+5.0 pts". */
export function formatPoints(difference: number | null | undefined): string {
  return difference === null || difference === undefined ? NONE : `${points(difference)} pts`;
}

export function formatPointsInterval(interval: Interval | null | undefined): string {
  return interval ? `${points(interval.lower)} – ${points(interval.upper)} pts` : NONE;
}

/** A relative difference (ratio - 1) as a signed percentage: "+12.5%". */
export function formatRelative(relative: number | null | undefined): string {
  return relative === null || relative === undefined ? NONE : signed(percent(relative), relative);
}

export function formatRelativeInterval(interval: Interval | null | undefined): string {
  return interval ? `${formatRelative(interval.lower)} – ${formatRelative(interval.upper)}` : NONE;
}

export function formatPValue(p: number | null | undefined): string {
  if (p === null || p === undefined) return NONE;
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

/** "$" and the server's exact decimal string. */
export function formatMoney(usd: string | null | undefined): string {
  return usd === null || usd === undefined ? NONE : `$${usd}`;
}

/** The same exact amount without the column's trailing zeros: "$0.0002106" for "0.0002106000". */
export function formatMoneyTrimmed(usd: string | null | undefined): string {
  if (usd === null || usd === undefined) return NONE;
  return `$${usd.includes(".") ? usd.replace(/0+$/, "").replace(/\.$/, "") : usd}`;
}

export function formatStatistic(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? "n/a" : value.toFixed(digits);
}

const DAY = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric", year: "numeric" });
const HOUR = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** A time-series bucket's start, in UTC like the buckets themselves: "Mar 14, 2026" or "Mar 14, 09:00 UTC". */
export function formatBucket(iso: string, granularity: "hour" | "day"): string {
  const date = new Date(iso);
  return granularity === "day" ? DAY.format(date) : `${HOUR.format(date)} UTC`;
}
