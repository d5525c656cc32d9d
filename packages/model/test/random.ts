// SPDX-License-Identifier: Apache-2.0
// Test helper: reproducible random tensors from @taptr/tensor's seeded PRNG.
import { seededRandom, tensor, type TensorView } from '@taptr/tensor';

/** Returns a function producing uniform floats in [lo, hi) from `seed`. */
export function seededUniform(seed: number): (lo?: number, hi?: number) => number {
  const rand = seededRandom(seed);
  return (lo = -1, hi = 1) => lo + (hi - lo) * rand();
}

/** A float32 tensor of `dims` with uniform values in [lo, hi). */
export function randomTensor(rand: (lo?: number, hi?: number) => number, dims: readonly number[], lo = -1, hi = 1): TensorView<'float32'> {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rand(lo, hi);
  return tensor('float32', dims, data);
}
