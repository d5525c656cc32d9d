// SPDX-License-Identifier: Apache-2.0
import { invalidArgument } from '@taptr/tensor';

/**
 * numpy's legacy random generator (`np.random.seed(seed)` / `RandomState`): MT19937 seeded with
 * `init_genrand(seed)`, plus the two draws TAPTR's evaluation uses. Reproduces numpy's stream
 * exactly (spec §12.3).
 */
export interface LegacyRandom {
  /** Next raw 32-bit MT19937 output (tempered), in [0, 2^32). */
  nextUint32(): number;
  /**
   * numpy legacy `randint(low, high)` for one value: an integer in [low, high) (high exclusive),
   * drawn by masked rejection on 32-bit outputs (ranges below 2^32 only).
   */
  randint(low: number, high: number): number;
}

const N = 624;
const M = 397;

/**
 * Creates numpy's legacy generator as after `np.random.seed(seed)` (a 32-bit unsigned integer seed).
 * @example createLegacyRandom(0).randint(0, 12) // 5, as np.random.seed(0); np.random.randint(0, 12)
 */
export function createLegacyRandom(seed: number): LegacyRandom {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw invalidArgument('range', 'createLegacyRandom', 'seed', 'an integer in [0, 2^32)', String(seed));
  }
  const mt = new Uint32Array(N);
  mt[0] = seed >>> 0;
  for (let i = 1; i < N; i++) {
    const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
    // 1812433253 * prev + i mod 2^32, without losing precision in doubles.
    mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
  }
  let index = N;

  const twist = (): void => {
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
      let v = mt[(i + M) % N]! ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      mt[i] = v >>> 0;
    }
    index = 0;
  };

  const nextUint32 = (): number => {
    if (index >= N) twist();
    let y = mt[index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };

  const randint = (low: number, high: number): number => {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low || high - low > 0x100000000) {
      throw invalidArgument('range', 'randint', 'low/high', 'integers with low < high and high - low <= 2^32', `${low}, ${high}`);
    }
    const range = high - 1 - low;
    if (range === 0) return low;
    // Smallest 2^k - 1 >= range (numpy's masked rejection sampling).
    let mask = range;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const u = (nextUint32() & mask) >>> 0;
      if (u <= range) return low + u;
    }
  };

  return { nextUint32, randint };
}
