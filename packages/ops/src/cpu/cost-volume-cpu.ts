// SPDX-License-Identifier: Apache-2.0
// TAPTR CorrBlock lookup (taptr-spec section 7; official code: models/dino/point_deformable_transformer.py,
// CorrBlock.sample / bilinear_sampler = grid_sample(bilinear, border, align_corners=True)).
import type { TensorView } from '@taptr/tensor';
import type { ResolvedCostVolumeAttrs } from '../contract/cost-volume.js';

/**
 * Bilinear taps of one point on an align-corners, border-clamped axis: entry a holds the lower pixel
 * index, the upper pixel index (clamped; its weight is 0 when clamped) and the upper weight.
 */
interface AxisTaps {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly t: Float64Array;
}

/** Fills the 2r+1 taps of centre `c` (pixels of this level), offsets -r..r, axis length `size`. */
function fillAxis(taps: AxisTaps, c: number, radius: number, size: number): void {
  for (let a = 0; a < 2 * radius + 1; a++) {
    let x = c + (a - radius);
    x = x > size - 1 ? size - 1 : x < 0 ? 0 : x; // border padding (NaN stays NaN: index 0, weight NaN)
    const x0 = Math.floor(x);
    const i0 = x0 >= 0 && x0 < size ? x0 : 0;
    taps.i0[a] = i0;
    taps.i1[a] = Math.min(i0 + 1, size - 1);
    taps.t[a] = x - x0;
  }
}

/**
 * CPU kernel of `costVolume` (a plain reference). Per frame, point and level, the correlation is
 * computed (float64 dot products, rounded to float32 after the scale) on a window of the level — the
 * pixels the taps read (`'taps'`) or the whole level (`'volume'`) — and sampled bilinearly at the taps.
 * @param features - `[B, S, C]` dense view.
 * @param queries - `[B, N, L, C + 1]` dense view.
 * @param centers - `[B, N, 2]` dense view, (x, y).
 * @param attrs - resolved attributes.
 * @param out - `[B, N, L · (2r+1)²]` dense view, fully overwritten.
 * @internal
 */
export function costVolumeCpu(
  features: TensorView<'float32'>,
  queries: TensorView<'float32'>,
  centers: TensorView<'float32'>,
  attrs: ResolvedCostVolumeAttrs,
  out: TensorView<'float32'>,
): void {
  const { levels, starts, tokens, radius, scale, pixelScale, method } = attrs;
  const [bCount, nCount, lCount] = queries.dims as [number, number, number, number];
  const c = features.dims[2]!;
  const k = 2 * radius + 1;
  const kk = k * k;
  const fd = features.data;
  const qd = queries.data;
  const xs: AxisTaps = { i0: new Int32Array(k), i1: new Int32Array(k), t: new Float64Array(k) };
  const ys: AxisTaps = { i0: new Int32Array(k), i1: new Int32Array(k), t: new Float64Array(k) };
  const maxPixels = method === 'volume' ? Math.max(...levels.map((l) => l.h * l.w)) : (k + 1) * (k + 1);
  const corr = new Float64Array(maxPixels);
  for (let b = 0; b < bCount; b++) {
    for (let n = 0; n < nCount; n++) {
      const bn = b * nCount + n;
      let cx = centers.data[2 * bn]!;
      let cy = centers.data[2 * bn + 1]!;
      if (pixelScale !== undefined) {
        cx = Math.fround(cx * pixelScale[0]);
        cy = Math.fround(cy * pixelScale[1]);
      }
      for (let l = 0; l < lCount; l++) {
        const { h, w } = levels[l]!;
        fillAxis(xs, cx / 2 ** l, radius, w);
        fillAxis(ys, cy / 2 ** l, radius, h);
        // The correlation window: origin (ox, oy), ww x wh pixels.
        const ox = method === 'volume' ? 0 : xs.i0[0]!;
        const oy = method === 'volume' ? 0 : ys.i0[0]!;
        const ww = method === 'volume' ? w : xs.i1[k - 1]! - ox + 1;
        const wh = method === 'volume' ? h : ys.i1[k - 1]! - oy + 1;
        const q = (bn * lCount + l) * (c + 1);
        for (let yy = 0; yy < wh; yy++) {
          for (let xx = 0; xx < ww; xx++) {
            const row = (b * tokens + starts[l]! + (oy + yy) * w + ox + xx) * c;
            let dot = qd[q + c]!;
            for (let ch = 0; ch < c; ch++) dot += qd[q + ch]! * fd[row + ch]!;
            corr[yy * ww + xx] = Math.fround(dot * scale);
          }
        }
        const o = bn * lCount * kk + l * kk;
        for (let a = 0; a < k; a++) {
          const x0 = xs.i0[a]! - ox;
          const x1 = xs.i1[a]! - ox;
          const tx = xs.t[a]!;
          for (let bb = 0; bb < k; bb++) {
            const r0 = (ys.i0[bb]! - oy) * ww;
            const r1 = (ys.i1[bb]! - oy) * ww;
            const ty = ys.t[bb]!;
            const top = corr[r0 + x0]! + tx * (corr[r0 + x1]! - corr[r0 + x0]!);
            const bottom = corr[r1 + x0]! + tx * (corr[r1 + x1]! - corr[r1 + x0]!);
            out.data[o + a * k + bb] = top + ty * (bottom - top);
          }
        }
      }
    }
  }
}
