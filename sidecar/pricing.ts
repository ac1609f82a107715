// Per-model list prices and exact call costing. Costs land in a PostgreSQL
// numeric(18,10) column, so all arithmetic is BigInt fixed-point: a float would
// silently round. Dependency-free because the main server imports it for its
// fallback path, which keeps fallback costs identical to the sidecar's.

export type CallPrice = {
  costUsd: string;
  inputPerMillion: string;
  outputPerMillion: string;
  pricedAs: string;
};

type RateTable = Readonly<Record<string, { input: string; output: string }>>;

// USD per 1M tokens, OpenAI public list prices (standard tier, uncached input).
// Rates may have at most 4 decimal places; see RATE_FRACTION_DIGITS.
const PRICES_PER_MILLION: RateTable = {
  "gpt-4o": { input: "2.50", output: "10.00" },
  "gpt-4o-mini": { input: "0.15", output: "0.60" },
  "gpt-4.1": { input: "2.00", output: "8.00" },
  "gpt-4.1-mini": { input: "0.40", output: "1.60" },
  "gpt-4.1-nano": { input: "0.10", output: "0.40" },
  "o3-mini": { input: "1.10", output: "4.40" },
  "o4-mini": { input: "1.10", output: "4.40" },
  "gpt-4-turbo": { input: "10.00", output: "30.00" },
  "gpt-4": { input: "30.00", output: "60.00" },
  "gpt-4-32k": { input: "60.00", output: "120.00" },
  "gpt-3.5-turbo": { input: "0.50", output: "1.50" },
  // The server's built-in simulator provider costs nothing.
  simulator: { input: "0", output: "0" },
};

// Older GPT-4 Turbo snapshots were named gpt-4-<date>-preview; without these
// they would prefix-match plain gpt-4 and be billed at 3x their real price.
const PREFIX_ALIASES: Readonly<Record<string, string>> = {
  "gpt-4-turbo-preview": "gpt-4-turbo",
  "gpt-4-1106-preview": "gpt-4-turbo",
  "gpt-4-0125-preview": "gpt-4-turbo",
  "gpt-4-1106-vision-preview": "gpt-4-turbo",
  "gpt-4-vision-preview": "gpt-4-turbo",
};

// A rate in units of 1e-4 USD per 1M tokens is numerically the per-token price
// in units of 1e-10 USD, i.e. exactly the column's scale: cost = tokens * rate,
// with no division and therefore no rounding.
const RATE_FRACTION_DIGITS = 4;
const COST_FRACTION_DIGITS = 10;

function parseRate(decimal: string, label: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(decimal);
  const fraction = match?.[2] ?? "";
  if (!match || fraction.length > RATE_FRACTION_DIGITS) {
    throw new Error(`pricing table: rate ${label}=${decimal} needs <= ${RATE_FRACTION_DIGITS} decimals`);
  }
  return BigInt(match[1] + fraction.padEnd(RATE_FRACTION_DIGITS, "0"));
}

function formatFixed(units: bigint, fractionDigits: number): string {
  const digits = units.toString().padStart(fractionDigits + 1, "0");
  const cut = digits.length - fractionDigits;
  return `${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

type ParsedRate = { input: bigint; output: bigint; inputText: string; outputText: string };

const RATES = new Map<string, ParsedRate>(
  Object.entries(PRICES_PER_MILLION).map(([model, rate]) => {
    const input = parseRate(rate.input, `${model}.input`);
    const output = parseRate(rate.output, `${model}.output`);
    return [
      model,
      {
        input,
        output,
        inputText: formatFixed(input, RATE_FRACTION_DIGITS),
        outputText: formatFixed(output, RATE_FRACTION_DIGITS),
      },
    ];
  }),
);

const PREFIXES: ReadonlyArray<{ prefix: string; pricedAs: string }> = [
  ...[...RATES.keys()].map((model) => ({ prefix: model, pricedAs: model })),
  ...Object.entries(PREFIX_ALIASES).map(([prefix, pricedAs]) => ({ prefix, pricedAs })),
].sort((a, b) => b.prefix.length - a.prefix.length);

/**
 * Finds the table entry for a model, including dated snapshots such as
 * gpt-4o-2024-08-06. The longest prefix wins (gpt-4o-mini over gpt-4o), and a
 * prefix only counts at a "-" boundary so gpt-4.5 is unknown rather than
 * silently priced as gpt-4.
 */
export function resolvePricedModel(model: string): string | null {
  const normalized = model.trim().toLowerCase();
  for (const { prefix, pricedAs } of PREFIXES) {
    if (normalized === prefix || normalized.startsWith(`${prefix}-`)) return pricedAs;
  }
  return null;
}

function toTokenCount(value: number | bigint, label: string): bigint {
  if (typeof value === "bigint") {
    if (value < 0n) throw new RangeError(`${label} must be a non-negative integer`);
    return value;
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${label} must be a non-negative safe integer, got ${value}`);
  }
  return BigInt(value);
}

/** Exact cost of one call, or null when the model is not in the table. */
export function priceCall(model: string, tokensIn: number | bigint, tokensOut: number | bigint): CallPrice | null {
  const tokensInUnits = toTokenCount(tokensIn, "tokensIn");
  const tokensOutUnits = toTokenCount(tokensOut, "tokensOut");
  const pricedAs = resolvePricedModel(model);
  const rate = pricedAs === null ? undefined : RATES.get(pricedAs);
  if (pricedAs === null || rate === undefined) return null;
  const costUnits = tokensInUnits * rate.input + tokensOutUnits * rate.output;
  return {
    costUsd: formatFixed(costUnits, COST_FRACTION_DIGITS),
    inputPerMillion: rate.inputText,
    outputPerMillion: rate.outputText,
    pricedAs,
  };
}
