// How numbers read in the UI: token counts, durations, dollar costs and rates.
// Pure functions, shared by the live stream, stored history, the experiment
// page and the end-to-end specs that check them against the database.

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return integer.format(value);
}

/** 1.7s from a second up, 350ms below; the seed's metrics row style. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * $0.0002 to four places; smaller non-zero costs keep two significant digits
 * ($0.000015) so a cheap call never reads as free. Null means unpriced.
 */
export function formatCost(usd: string | null | undefined): string {
  if (usd === null || usd === undefined) return "—";
  const value = Number(usd);
  if (!Number.isFinite(value)) return "—";
  if (value === 0) return "$0";
  if (value >= 0.0001) return `$${value.toFixed(4)}`;
  // Two significant digits; the column's scale is 10 decimal places.
  const digits = Math.min(10, 1 - Math.floor(Math.log10(value)));
  return `$${value.toFixed(digits).replace(/0+$/, "")}`;
}

/** The exact stored decimal, for a title attribute. */
export function exactCost(usd: string | null | undefined): string {
  return usd === null || usd === undefined ? "No price known for this model" : `$${usd} exactly`;
}

export function formatPercent(rate: number | null): string {
  return rate === null ? "—" : `${Math.round(rate * 100)}%`;
}
