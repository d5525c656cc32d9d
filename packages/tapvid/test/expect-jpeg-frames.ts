// SPDX-License-Identifier: Apache-2.0
import type { TensorView } from '@taptr/tensor';
import { expect } from 'vitest';

/**
 * Tolerance between jpeg-js and Pillow (libjpeg-turbo) decodes of the same JPEG files. They use
 * different IDCTs and chroma upsampling (libjpeg-turbo's "fancy" triangular upsampling vs. pixel
 * replication), so pixels near sharp colour edges can differ by tens of levels; on average they
 * agree within a few levels.
 */
export const JPEG_TOLERANCE = { meanAbs: 5, within8: 0.85 } as const;

/** Asserts that two uint8 frame stacks have the same shape and are close on average. */
export function expectJpegFramesClose(actual: TensorView, expected: TensorView, what: string): { meanAbs: number; within8: number } {
  expect(actual.dims, what).toEqual(expected.dims);
  const a = actual.data as Uint8Array;
  const e = expected.data as Uint8Array;
  let sum = 0;
  let close = 0;
  for (let i = 0; i < e.length; i++) {
    const d = Math.abs(a[i]! - e[i]!);
    sum += d;
    if (d <= 8) close++;
  }
  const meanAbs = sum / e.length;
  const within8 = close / e.length;
  expect(meanAbs, `${what}: mean |jpeg-js - Pillow| = ${meanAbs}`).toBeLessThanOrEqual(JPEG_TOLERANCE.meanAbs);
  expect(within8, `${what}: fraction within 8 levels = ${within8}`).toBeGreaterThanOrEqual(JPEG_TOLERANCE.within8);
  return { meanAbs, within8 };
}
