// SPDX-License-Identifier: Apache-2.0

/**
 * A small deterministic PRNG (mulberry32) returning uniform floats in [0, 1): synthetic weights,
 * reproducible test data, fuzz mutations and benchmark perturbations all draw from it, so a seed
 * means the same numbers everywhere. Not for cryptography.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
