// Deterministic variant assignment: the same user and experiment land in the
// same bucket forever, with no lookup and no shared state.
//
// Hash: GrowthBook's "v2" hash, i.e. FNV-1a 32-bit applied twice:
//   n = fnv1a32(String(fnv1a32(seed + value))) % 10000 / 10000
// The second round mixes the low bits that plain FNV-1a leaves correlated for
// similar ids (user-1, user-2, ...). Buckets are floor(n * 100), so 0..99.
// The fixed vectors in assignment.test.ts pin this forever: changing the hash
// would silently move every user to another variant mid-experiment.

export function fnv1a32(input: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The hash as an integer 0..9999: exact, so percentage cut-offs need no floating point. */
export function hashToBasisPoints(seed: string, value: string): number {
  return fnv1a32(String(fnv1a32(seed + value))) % 10_000;
}

/** A well-mixed number in [0, 1) for (seed, value). Different seeds give independent draws. */
export function hashToUnit(seed: string, value: string): number {
  return hashToBasisPoints(seed, value) / 10_000;
}

/**
 * Whether a unit falls inside a rollout of `percent` (0..100). The range is fixed,
 * [0, percent) of the unit's own hash under `seed`, so raising the percent only
 * adds units: whoever was in at 1% is still in at 10% (GrowthBook's sticky
 * ramps). Callers pass a seed distinct from the variant pick's, so which users
 * get a rollout is independent of which variant they are in.
 */
export function inRollout(seed: string, unitId: string, percent: number): boolean {
  return hashToBasisPoints(seed, unitId) < Math.round(percent * 100);
}

/** The user's bucket 0..99 within an experiment. */
export function bucketFor(experimentKey: string, unitId: string): number {
  return Math.floor(hashToUnit(experimentKey, unitId) * 100);
}

export interface AllocatedVariant {
  key: string;
  /** Percent of traffic; an experiment's allocations sum to 100. */
  allocation: number;
  isControl: boolean;
}

/**
 * Maps a bucket to a variant by cumulative allocation, in the given (stable)
 * variant order: with 50/50, buckets 0-49 get the first variant, 50-99 the second.
 */
export function variantForBucket<V extends AllocatedVariant>(variants: readonly V[], bucket: number): V {
  let upper = 0;
  for (const variant of variants) {
    upper += variant.allocation;
    if (bucket < upper) return variant;
  }
  // Allocations are validated to sum to 100; if they do not, the control absorbs the rest.
  return controlOf(variants);
}

export function controlOf<V extends AllocatedVariant>(variants: readonly V[]): V {
  const control = variants.find((variant) => variant.isControl) ?? variants[0];
  if (!control) throw new Error("experiment has no variants");
  return control;
}

export type AssignmentReason = "hashed" | "killed" | "shipped" | "not_running";

/**
 * Killed beats everything (control for all); a completed experiment serves its
 * shipped variant to all; any other non-running state serves control.
 */
export function assignVariant<V extends AllocatedVariant>(
  experiment: { key: string; running: boolean; killed: boolean; shippedKey?: string | null; variants: readonly V[] },
  unitId: string,
): { variant: V; bucket: number; reason: AssignmentReason } {
  const bucket = bucketFor(experiment.key, unitId);
  if (experiment.killed) return { variant: controlOf(experiment.variants), bucket, reason: "killed" };
  const shipped = experiment.shippedKey ? experiment.variants.find((v) => v.key === experiment.shippedKey) : undefined;
  if (shipped) return { variant: shipped, bucket, reason: "shipped" };
  if (!experiment.running) return { variant: controlOf(experiment.variants), bucket, reason: "not_running" };
  return { variant: variantForBucket(experiment.variants, bucket), bucket, reason: "hashed" };
}
