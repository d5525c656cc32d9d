// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument } from '@taptr/tensor';
import { createLegacyRandom } from './mt19937.js';

/** Number of leading frames over which evaluate.py draws the padding points' restart frames. */
export const PADDING_RESTART_FRAMES = 12;

/** Input of {@link generatePaddingPoints}. */
export interface PaddingPointsInput {
  /** Point count after padding (`num_queries_per_video_eval`, 800 in the released evaluation). */
  readonly total: number;
  /**
   * Positions of the real points at frame 0 in video pixels, `[N_real, 2]` as (x, y) flattened.
   * evaluate.py uses the ground-truth tracks at frame 0 (even where occluded).
   */
  readonly realPositions: ArrayLike<number>;
  /** Video width in pixels (the random positions and the margin use the width for both axes, as the official code). */
  readonly width: number;
}

/** Padding points: static points appended after the real ones. */
export interface PaddingPoints {
  /** Number of padding points P. */
  readonly count: number;
  /** `[P, 2]` (x, y) in video pixels. */
  readonly positions: Float64Array;
  /** `[P]` restart frame r_k in [0, 11]: the point is occluded before it (its 'first' query frame). */
  readonly restartFrames: Int32Array;
}

/**
 * Reproduces `TapVidDataset.padding_points` of the official evaluation (spec §12.3) exactly,
 * including numpy's `np.random.seed(0)` stream:
 * with `nPad = total - nReal`, the candidate list starts with the real points' frame-0 positions and
 * random integer positions (x then y, each `randint(m, W-1-m)` inclusive, m = W // 16) are appended
 * when at distance >= 1 from every listed point, until the list holds `nPad` entries; the padding
 * points are the **last** `nPad` entries (so when nReal >= nPad they are copies of real positions,
 * and otherwise the real positions followed by nPad - nReal random ones). Then one
 * `randint(0, 12)` restart frame per padding point.
 * Returns no points when `total <= nReal` or `total <= 0`.
 */
export function generatePaddingPoints(input: PaddingPointsInput): PaddingPoints {
  const fn = 'generatePaddingPoints';
  const { total, realPositions, width } = input;
  if (!Number.isInteger(total)) throw invalidArgument('range', fn, 'total', 'an integer', describeValue(total));
  if (!Number.isInteger(width) || width < 2) throw invalidArgument('range', fn, 'width', 'an integer >= 2', describeValue(width));
  if (realPositions.length % 2 !== 0) {
    throw invalidArgument('range', fn, 'realPositions', 'a flat [N, 2] (x, y) array', `${realPositions.length} values`);
  }
  const nReal = realPositions.length / 2;
  if (total <= 0 || nReal >= total) {
    return { count: 0, positions: new Float64Array(0), restartFrames: new Int32Array(0) };
  }
  const nPad = total - nReal;
  const rng = createLegacyRandom(0);
  const margin = Math.floor(width / 16);
  const lower = margin;
  const upperExclusive = width - 1 - margin + 1;
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < nReal; i++) {
    xs.push(Number(realPositions[2 * i]));
    ys.push(Number(realPositions[2 * i + 1]));
  }
  while (xs.length < nPad) {
    const x = rng.randint(lower, upperExclusive);
    const y = rng.randint(lower, upperExclusive);
    let far = true;
    for (let k = 0; k < xs.length; k++) {
      const dx = x - xs[k]!;
      const dy = y - ys[k]!;
      if (!(Math.sqrt(dx * dx + dy * dy) >= 1)) {
        far = false;
        break;
      }
    }
    if (far) {
      xs.push(x);
      ys.push(y);
    }
  }
  const first = xs.length - nPad;
  const positions = new Float64Array(2 * nPad);
  for (let k = 0; k < nPad; k++) {
    positions[2 * k] = xs[first + k]!;
    positions[2 * k + 1] = ys[first + k]!;
  }
  const restartFrames = new Int32Array(nPad);
  for (let k = 0; k < nPad; k++) restartFrames[k] = rng.randint(0, PADDING_RESTART_FRAMES);
  return { count: nPad, positions, restartFrames };
}
