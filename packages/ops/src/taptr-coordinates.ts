// SPDX-License-Identifier: Apache-2.0
import { tensor, type TensorView } from '@taptr/tensor';

/**
 * Grid for sampling a level of size (h, w) at normalized points (x, y) exactly as TAPTR's query
 * preparation does (taptr-spec section 6): pixel (u, v) = (x (h - 1), y (w - 1)) — the official code
 * multiplies x by the height and y by the width (identical for square maps) — expressed as a
 * `gridSample` grid for `alignCorners: true`.
 * @param xy - `[N, 2]` normalized (x, y) in [0, 1] (pixel / (size - 1)).
 * @param h - map height h_l.
 * @param w - map width w_l.
 * @returns `[1, 1, N, 2]` grid for `gridSample(map [1, C, h, w], grid, { mode: 'bilinear', paddingMode: 'border', alignCorners: true })`.
 */
export function querySampleGrid(xy: TensorView<'float32'>, h: number, w: number): TensorView<'float32'> {
  const n = xy.dims[0] ?? 0;
  const grid = tensor('float32', [1, 1, n, 2]);
  const sx = w > 1 ? (h - 1) / (w - 1) : 0;
  const sy = h > 1 ? (w - 1) / (h - 1) : 0;
  for (let i = 0; i < n; i++) {
    grid.data[2 * i] = 2 * (xy.data[2 * i]! * sx) - 1;
    grid.data[2 * i + 1] = 2 * (xy.data[2 * i + 1]! * sy) - 1;
  }
  return grid;
}

/**
 * Cost-volume centres in level-0 pixels from normalized references, as TAPTR's CorrBlock computes them
 * (taptr-spec section 7): (X, Y) = (x (h0 - 1), y (w0 - 1)) (x uses the height; identical for square maps).
 * @param references - `[..., D]` with D >= 2; the first two components are normalized (x, y).
 * @param h0 - level-0 height.
 * @param w0 - level-0 width.
 * @returns `[..., 2]` centres for `costVolume`.
 */
export function costVolumeCenters(references: TensorView<'float32'>, h0: number, w0: number): TensorView<'float32'> {
  const d = references.dims[references.dims.length - 1] ?? 0;
  const lead = references.dims.slice(0, -1);
  const count = lead.reduce((a, b) => a * b, 1);
  const out = tensor('float32', [...lead, 2]);
  for (let i = 0; i < count; i++) {
    out.data[2 * i] = Math.fround(references.data[i * d]! * (h0 - 1));
    out.data[2 * i + 1] = Math.fround(references.data[i * d + 1]! * (w0 - 1));
  }
  return out;
}
