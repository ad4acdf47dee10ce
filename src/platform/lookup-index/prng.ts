/** Deterministic PRNG (mulberry32) for property tests and the benchmark's synthetic data. */

/** Returns a generator of uint32 values seeded by `seed`. */
export function mulberry32(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), t | 1);
    r ^= r + Math.imul(r ^ (r >>> 7), r | 61);
    return (r ^ (r >>> 14)) >>> 0;
  };
}

/** Uniform integer in [0, n) from a uint32 generator. */
export function below(next: () => number, n: number): number {
  return Math.floor((next() / 4294967296) * n);
}
