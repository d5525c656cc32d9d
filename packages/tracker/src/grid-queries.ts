// SPDX-License-Identifier: Apache-2.0
// Grid queries: the one placement rule of `taptr track --grid N [--mask]` and the web page's grid mode.
import { invalidArgument } from '@taptr/tensor';
import type { QueryPoint } from './queries.js';

/** A binary mask over the video frame: `inside[y * width + x]` non-zero = inside. */
export interface PixelMask {
  readonly width: number;
  readonly height: number;
  readonly inside: Uint8Array;
}

/**
 * Places an `n x n` grid of queries on frame `t` of a `width x height` video: the image is cut
 * into `n x n` equal cells and each query sits at its cell's centre,
 * `x_i = (i + 0.5) * W / n - 0.5` (and likewise `y_j` with H), in pixel coordinates where
 * integers are pixel centres (docs/coordinates.md). The grid is symmetric about the image centre
 * and never touches the border. Points are listed row by row (y outer, x inner).
 * With `mask`, only the points whose nearest pixel (`round(x)`, `round(y)`) is inside are kept.
 * @returns the queries `(t, x, y)`, at most `n * n` of them.
 * @throws RangeError when `n` is not a positive integer or `mask` does not have the video's size.
 */
export function gridQueries(n: number, t: number, width: number, height: number, mask?: PixelMask): QueryPoint[] {
  if (!Number.isInteger(n) || n < 1) throw invalidArgument('range', 'gridQueries', 'n', 'a positive integer', String(n));
  if (mask !== undefined && (mask.width !== width || mask.height !== height)) {
    throw invalidArgument('range', 'gridQueries', 'mask', `${width}x${height} (the video's size)`, `${mask.width}x${mask.height}`);
  }
  const points: QueryPoint[] = [];
  for (let j = 0; j < n; j++) {
    const y = ((j + 0.5) * height) / n - 0.5;
    for (let i = 0; i < n; i++) {
      const x = ((i + 0.5) * width) / n - 0.5;
      if (mask !== undefined) {
        const px = Math.min(width - 1, Math.max(0, Math.floor(x + 0.5)));
        const py = Math.min(height - 1, Math.max(0, Math.floor(y + 0.5)));
        if (mask.inside[py * width + px] === 0) continue;
      }
      points.push({ t, x, y });
    }
  }
  return points;
}
