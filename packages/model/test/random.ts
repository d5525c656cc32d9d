// SPDX-License-Identifier: Apache-2.0
// Test helper: a small seeded PRNG (mulberry32) for reproducible random tensors.
import { tensor, type TensorView } from '@taptr/tensor';

/** Returns a function producing uniform floats in [lo, hi) from `seed`. */
export function seededUniform(seed: number): (lo?: number, hi?: number) => number {
  let a = seed >>> 0;
  return (lo = -1, hi = 1) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return lo + (hi - lo) * u;
  };
}

/** A float32 tensor of `dims` with uniform values in [lo, hi). */
export function randomTensor(rand: (lo?: number, hi?: number) => number, dims: readonly number[], lo = -1, hi = 1): TensorView<'float32'> {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rand(lo, hi);
  return tensor('float32', dims, data);
}
