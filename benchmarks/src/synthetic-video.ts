// SPDX-License-Identifier: Apache-2.0
import { tensor, type TensorView } from '@taptr/tensor';
import type { QueryPoint } from '@taptr/tracker';

/** Writes frame `t` of {@link syntheticVideo} (`frames` long) into `out` (`[size, size, 3]` uint8). */
function drawFrame(out: Uint8Array, offset: number, t: number, frames: number, size: number): void {
  const sq = Math.round((t * size) / (2 * frames)) + Math.round(size / 8);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = offset + (y * size + x) * 3;
      const inSquare = x >= sq && x < sq + size / 6 && y >= sq && y < sq + size / 6;
      const u = (x + t) / size;
      const v = y / size;
      out[i] = inSquare ? 240 : Math.round(127 + 100 * Math.sin(6.283 * (2 * u + v)));
      out[i + 1] = inSquare ? 30 : Math.round(127 + 100 * Math.sin(6.283 * (3 * v - u) + 1));
      out[i + 2] = inSquare ? 60 : Math.round(127 + 100 * Math.cos(6.283 * (u * v * 4)));
    }
  }
}

/**
 * A deterministic synthetic video `[T, size, size, 3]` uint8: a smooth colour pattern translating by
 * one pixel per frame with a square moving across it (content for speed runs; values have no meaning).
 */
export function syntheticVideo(frames: number, size: number): TensorView<'uint8'> {
  const data = new Uint8Array(frames * size * size * 3);
  for (let t = 0; t < frames; t++) drawFrame(data, t * size * size * 3, t, frames, size);
  return tensor('uint8', [frames, size, size, 3], data);
}

/**
 * The frames of {@link syntheticVideo} generated one at a time (`[size, size, 3]` each), for videos too
 * long to hold: only the frame being read exists, so the process's memory is the tracker's.
 */
export function* syntheticFrames(frames: number, size: number): Generator<TensorView<'uint8'>> {
  for (let t = 0; t < frames; t++) {
    const data = new Uint8Array(size * size * 3);
    drawFrame(data, 0, t, frames, size);
    yield tensor('uint8', [size, size, 3], data);
  }
}

/** `n` deterministic query points `(t, x, y)` on frame 0, inside a `size x size` frame. */
export function syntheticQueries(n: number, size: number): QueryPoint[] {
  let s = 12345;
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: n }, () => ({ t: 0, x: 4 + next() * (size - 9), y: 4 + next() * (size - 9) }));
}
