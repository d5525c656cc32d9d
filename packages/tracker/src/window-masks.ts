// SPDX-License-Identifier: Apache-2.0
import { WINDOW_SIZE } from './window-schedule.js';

/** Tracking and update masks of one window (spec §6), as fed to the decoder graph. */
export interface WindowMasks {
  /** `[N, K]` bool (0/1): frame start + k is at or after the point's query frame. */
  readonly track: Uint8Array;
  /** `[N, K]` bool (0/1): tracked and not the query frame itself. */
  readonly update: Uint8Array;
  /** Whether any entry of `update` is set; a window without one is skipped (spec §9). */
  readonly anyUpdate: boolean;
}

/**
 * Builds the masks of the window starting at `start` for points with the given query frames:
 * track[n, k] = (start + k >= q_n), update[n, k] = (start + k > q_n).
 * @param queryFrames - `[N]` query frame per point.
 */
export function windowMasks(queryFrames: ArrayLike<number>, start: number, size: number = WINDOW_SIZE): WindowMasks {
  const n = queryFrames.length;
  const track = new Uint8Array(n * size);
  const update = new Uint8Array(n * size);
  let anyUpdate = false;
  for (let p = 0; p < n; p++) {
    const q = queryFrames[p]!;
    for (let k = 0; k < size; k++) {
      const t = start + k;
      if (t >= q) track[p * size + k] = 1;
      if (t > q) {
        update[p * size + k] = 1;
        anyUpdate = true;
      }
    }
  }
  return { track, update, anyUpdate };
}
