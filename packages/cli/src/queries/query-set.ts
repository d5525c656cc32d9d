// SPDX-License-Identifier: Apache-2.0
import { TaptrError } from '@taptr/tensor';

/** One query point: frame index `t` and position `(x, y)` in video pixels (integer = pixel centre; see docs/coordinates.md). */
export interface QueryPoint {
  readonly t: number;
  readonly x: number;
  readonly y: number;
}

/** The video extent queries are checked against. */
export interface VideoExtent {
  readonly frames: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Checks one query against the video: `t` an integer frame in `[0, frames)`, `x` in
 * `[-0.5, W - 0.5]`, `y` in `[-0.5, H - 0.5]` (the image's outer edges).
 * @param where - prefix naming the source, e.g. `points.csv: row 3`.
 * @throws TaptrError `TAPTR_INVALID_ARGUMENT` naming `where`, the field, the allowed range and the value.
 */
export function checkQueryPoint(point: QueryPoint, extent: VideoExtent, where: string): void {
  const { t, x, y } = point;
  const bad = (field: string, expected: string, actual: number): never => {
    throw new TaptrError('TAPTR_INVALID_ARGUMENT', `${where}: ${field} must be ${expected}, got ${actual}`);
  };
  if (!Number.isInteger(t) || t < 0 || t >= extent.frames) bad('t', `an integer frame index in [0, ${extent.frames - 1}]`, t);
  if (!Number.isFinite(x) || x < -0.5 || x > extent.width - 0.5) bad('x', `a pixel x in [-0.5, ${extent.width - 0.5}]`, x);
  if (!Number.isFinite(y) || y < -0.5 || y > extent.height - 0.5) bad('y', `a pixel y in [-0.5, ${extent.height - 0.5}]`, y);
}

/**
 * Packs queries as the tracker takes them.
 * @returns float32 `[N, 3]` rows `(t, x, y)`.
 */
export function packQueries(points: readonly QueryPoint[]): Float32Array {
  const out = new Float32Array(points.length * 3);
  points.forEach((p, i) => {
    out[i * 3] = p.t;
    out[i * 3 + 1] = p.x;
    out[i * 3 + 2] = p.y;
  });
  return out;
}
