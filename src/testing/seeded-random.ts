// mulberry32 (Tommy Ettinger, 2017): a tiny 32-bit-state PRNG, fast and good
// enough for Monte Carlo tests, and, unlike Math.random, reproducible from a seed.
// Returns uniforms in [0, 1).
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Successes in `trials` Bernoulli(p) draws. */
export function binomialDraw(random: () => number, trials: number, p: number): number {
  let successes = 0;
  for (let i = 0; i < trials; i++) if (random() < p) successes++;
  return successes;
}
