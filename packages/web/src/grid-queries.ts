// SPDX-License-Identifier: Apache-2.0
// Grid queries, placed exactly as the CLI's `--grid N [--grid-frame T] [--mask MASK.png]`
// (packages/cli/src/queries/grid-queries.ts), so a grid made here and one made by the CLI are the same
// points: cell centres `x_i = (i + 0.5) * W / n - 0.5`, row by row; with a mask, a point is kept when
// its nearest pixel is inside.
import type { PixelMask } from './pixel-mask.js';

/** The largest grid the page offers (n x n points). */
export const MAX_GRID = 40;

/**
 * The `n x n` grid of a `width x height` frame (video pixels, integer = pixel centre), row by row
 * (y outer, x inner), restricted to `mask` when given.
 * @throws RangeError when `n` is not an integer in [1, MAX_GRID] or `mask` does not have the frame's size.
 */
export function gridPoints(n: number, width: number, height: number, mask?: PixelMask): { x: number; y: number }[] {
  if (!Number.isInteger(n) || n < 1 || n > MAX_GRID) throw new RangeError(`gridPoints: n must be an integer in [1, ${MAX_GRID}], got ${n}`);
  if (mask !== undefined && (mask.width !== width || mask.height !== height)) throw new RangeError(`gridPoints: mask must be ${width}x${height} (the video's size), got ${mask.width}x${mask.height}`);
  const points: { x: number; y: number }[] = [];
  for (let j = 0; j < n; j++) {
    const y = ((j + 0.5) * height) / n - 0.5;
    for (let i = 0; i < n; i++) {
      const x = ((i + 0.5) * width) / n - 0.5;
      if (mask !== undefined) {
        const px = Math.min(width - 1, Math.max(0, Math.floor(x + 0.5)));
        const py = Math.min(height - 1, Math.max(0, Math.floor(y + 0.5)));
        if (mask.inside[py * width + px] === 0) continue;
      }
      points.push({ x, y });
    }
  }
  return points;
}
