// SPDX-License-Identifier: Apache-2.0
import type { TensorView } from '@taptr/tensor';
import type { ResolvedBilinearGatherAttrs } from '../contract/bilinear-gather.js';

/**
 * CPU kernel of `bilinearGather`: per position, the 4 neighbouring rows of the map weighted and summed
 * (float64 sums). Positions are scaled by `pixelScale` in float32, as the ONNX form does.
 * @param table - `[S, C]` dense view.
 * @param positions - `[P, 2]` dense view, (x, y).
 * @param attrs - resolved attributes.
 * @param out - `[P, C]` dense view, fully overwritten.
 * @internal
 */
export function bilinearGatherCpu(
  table: TensorView<'float32'>,
  positions: TensorView<'float32'>,
  attrs: ResolvedBilinearGatherAttrs,
  out: TensorView<'float32'>,
): void {
  const { height: h, width: w, start, paddingMode, pixelScale } = attrs;
  const c = table.dims[1]!;
  const count = positions.dims[0]!;
  const src = table.data;
  const dst = out.data;
  const acc = new Float64Array(c);
  for (let p = 0; p < count; p++) {
    let x = positions.data[2 * p]!;
    let y = positions.data[2 * p + 1]!;
    if (pixelScale !== undefined) {
      x = Math.fround(x * pixelScale[0]);
      y = Math.fround(y * pixelScale[1]);
    }
    if (paddingMode === 'border') {
      x = Math.min(Math.max(x, 0), w - 1);
      y = Math.min(Math.max(y, 0), h - 1);
    }
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const fx = x - x0;
    const fy = y - y0;
    acc.fill(0);
    for (let k = 0; k < 4; k++) {
      const xk = x0 + (k & 1);
      const yk = y0 + (k >> 1);
      const weight = (k & 1 ? fx : 1 - fx) * (k >> 1 ? fy : 1 - fy);
      // Outside the map: weight 0 with zeros padding; with border padding only an upper neighbour of
      // weight 0 (position exactly on the last row / column) can be outside.
      if (!(xk >= 0 && xk < w && yk >= 0 && yk < h) || weight === 0) continue;
      const row = (start + yk * w + xk) * c;
      for (let ch = 0; ch < c; ch++) acc[ch]! += weight * src[row + ch]!;
    }
    dst.set(acc, p * c);
  }
}
