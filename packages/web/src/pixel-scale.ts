// SPDX-License-Identifier: Apache-2.0
// Positions between two sizes of the same frame, in the align-corners convention the model uses
// (docs/coordinates.md §2: a position's normalized value x / (W - 1) is the same at every size).

/** A frame size in pixels. */
export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

/** `x * (to.width - 1) / (from.width - 1)` (and likewise y); a 1-pixel axis maps to 0. */
export function scalePoint(x: number, y: number, from: FrameSize, to: FrameSize): { x: number; y: number } {
  const sx = from.width > 1 ? (to.width - 1) / (from.width - 1) : 0;
  const sy = from.height > 1 ? (to.height - 1) / (from.height - 1) : 0;
  return { x: x * sx, y: y * sy };
}

/** {@link scalePoint} over interleaved `(x, y)` pairs (e.g. tracks `[N, T, 2]`); returns a new array. */
export function scaleXY(xy: Float32Array, from: FrameSize, to: FrameSize): Float32Array {
  const out = new Float32Array(xy.length);
  const sx = from.width > 1 ? (to.width - 1) / (from.width - 1) : 0;
  const sy = from.height > 1 ? (to.height - 1) / (from.height - 1) : 0;
  for (let i = 0; i < xy.length; i += 2) {
    out[i] = xy[i]! * sx;
    out[i + 1] = xy[i + 1]! * sy;
  }
  return out;
}
