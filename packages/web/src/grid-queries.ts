// SPDX-License-Identifier: Apache-2.0
// The page's grid mode: `@taptr/tracker`'s gridQueries (the placement rule `taptr track --grid N
// [--mask]` uses), bounded to the grids the page offers.
import { gridQueries, type PixelMask } from '@taptr/tracker';

/** The largest grid the page offers (n x n points). */
export const MAX_GRID = 40;

/**
 * The `n x n` grid of a `width x height` frame (video pixels, integer = pixel centre), row by row
 * (y outer, x inner), restricted to `mask` when given.
 * @throws RangeError when `n` is not an integer in [1, MAX_GRID] or `mask` does not have the frame's size.
 */
export function gridPoints(n: number, width: number, height: number, mask?: PixelMask): { x: number; y: number }[] {
  if (!Number.isInteger(n) || n < 1 || n > MAX_GRID) throw new RangeError(`gridPoints: n must be an integer in [1, ${MAX_GRID}], got ${n}`);
  return gridQueries(n, 0, width, height, mask).map(({ x, y }) => ({ x, y }));
}
