// SPDX-License-Identifier: Apache-2.0
import type { TensorView } from '@taptr/tensor';
import { expect } from 'vitest';

/**
 * Asserts that decoded frames equal Pillow's byte for byte: decodeJpegFrames runs MozJPEG
 * (libjpeg-turbo's decoder) in wasm, and Pillow runs libjpeg-turbo, with the same IDCT, upsampling
 * and colour conversion. (The jpeg-js decoder it replaced was only within 3 levels, ~88% of values
 * identical, under a tolerance of max 6 / mean 0.5.)
 * @returns how many values differ (0 when the assertion holds) and the largest difference.
 */
export function expectJpegFramesExact(actual: TensorView, expected: TensorView, what: string): { differing: number; maxAbs: number } {
  expect(actual.dims, what).toEqual(expected.dims);
  const a = actual.data as Uint8Array;
  const e = expected.data as Uint8Array;
  let differing = 0;
  let maxAbs = 0;
  for (let i = 0; i < e.length; i++) {
    const d = Math.abs(a[i]! - e[i]!);
    if (d > 0) differing++;
    if (d > maxAbs) maxAbs = d;
  }
  expect(differing, `${what}: ${differing} of ${e.length} values differ from Pillow (max |difference| ${maxAbs})`).toBe(0);
  return { differing, maxAbs };
}
