// SPDX-License-Identifier: Apache-2.0
import type { TensorView } from '@taptr/tensor';
import { expect } from 'vitest';

/**
 * Tolerance between decodeJpegFrames (jpeg-js entropy decoding and IDCT, libjpeg-style chroma
 * upsampling and colour conversion) and Pillow (libjpeg-turbo). Only the IDCTs differ; measured on
 * the developer fixtures: max 3 levels, mean 0.14-0.16 levels, about 88% of values identical.
 */
export const JPEG_TOLERANCE = { maxAbs: 6, meanAbs: 0.5 } as const;

/** Asserts that two uint8 frame stacks have the same shape and are within {@link JPEG_TOLERANCE}. */
export function expectJpegFramesClose(actual: TensorView, expected: TensorView, what: string): { maxAbs: number; meanAbs: number } {
  expect(actual.dims, what).toEqual(expected.dims);
  const a = actual.data as Uint8Array;
  const e = expected.data as Uint8Array;
  let sum = 0;
  let maxAbs = 0;
  for (let i = 0; i < e.length; i++) {
    const d = Math.abs(a[i]! - e[i]!);
    sum += d;
    if (d > maxAbs) maxAbs = d;
  }
  const meanAbs = sum / e.length;
  expect(maxAbs, `${what}: max |decoded - Pillow| = ${maxAbs}`).toBeLessThanOrEqual(JPEG_TOLERANCE.maxAbs);
  expect(meanAbs, `${what}: mean |decoded - Pillow| = ${meanAbs}`).toBeLessThanOrEqual(JPEG_TOLERANCE.meanAbs);
  return { maxAbs, meanAbs };
}
