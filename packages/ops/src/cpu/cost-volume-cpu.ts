// SPDX-License-Identifier: Apache-2.0
// TAPTR CorrBlock lookup (taptr-spec section 7; official code: models/dino/point_deformable_transformer.py,
// CorrBlock.sample / bilinear_sampler = grid_sample(bilinear, border, align_corners=True)).
import type { NdArray } from 'ndarray';
import type { ResolvedCostVolumeAttrs } from '../attrs.js';

/** Per-axis bilinear taps on an align-corners, border-clamped axis. */
interface AxisTaps {
  /** Lower pixel index of each tap. */
  readonly i0: Int32Array;
  /** Upper pixel index of each tap (clamped; its weight is 0 when clamped). */
  readonly i1: Int32Array;
  /** Weight of the upper pixel. */
  readonly t: Float64Array;
}

function axisTaps(k: number): AxisTaps {
  return { i0: new Int32Array(k), i1: new Int32Array(k), t: new Float64Array(k) };
}

/** Fills `taps` for centre `c` (pixels of this level), offsets -r..r, axis length `size`. */
function fillAxis(taps: AxisTaps, c: number, radius: number, size: number): void {
  const k = 2 * radius + 1;
  for (let a = 0; a < k; a++) {
    let x = c + (a - radius);
    x = x > size - 1 ? size - 1 : x < 0 ? 0 : x; // border padding (NaN stays NaN -> index 0 below)
    const x0 = Math.floor(x);
    const i0 = x0 >= 0 && x0 < size ? x0 : 0;
    taps.i0[a] = i0;
    taps.i1[a] = Math.min(i0 + 1, size - 1);
    taps.t[a] = x - x0;
  }
}

/**
 * CPU kernel of `costVolume`.
 * @param features - per level `[B, C, H_l, W_l]` views.
 * @param queries - `[B, N, C]` view.
 * @param centers - `[B, N, 2]` view, (x, y) in level-0 pixels.
 * @param attrs - resolved attributes.
 * @param out - `[B, N, L * (2r+1)^2]` view, fully overwritten.
 * @internal
 */
export function costVolumeCpu(
  features: readonly NdArray<Float32Array>[],
  queries: NdArray<Float32Array>,
  centers: NdArray<Float32Array>,
  attrs: ResolvedCostVolumeAttrs,
  out: NdArray<Float32Array>,
): void {
  const { radius, scale, method } = attrs;
  const k = 2 * radius + 1;
  const kk = k * k;
  const [bCount, nCount, cCount] = queries.shape as [number, number, number];
  const [qb, qn, qc] = queries.stride as [number, number, number];
  const [cb, cn, c2] = centers.stride as [number, number, number];
  const [ob, on, oi] = out.stride as [number, number, number];
  const xs = axisTaps(k);
  const ys = axisTaps(k);
  const acc = new Float64Array(kk);
  let corr = new Float64Array(0);
  const q = new Float64Array(cCount);
  for (let b = 0; b < bCount; b++) {
    for (let n = 0; n < nCount; n++) {
      const qo = queries.offset + b * qb + n * qn;
      for (let c = 0; c < cCount; c++) q[c] = queries.data[qo + c * qc]!;
      const co = centers.offset + b * cb + n * cn;
      const cx = centers.data[co]!;
      const cy = centers.data[co + c2]!;
      for (let l = 0; l < features.length; l++) {
        const fmap = features[l]!;
        const [, , h, w] = fmap.shape as [number, number, number, number];
        const [fb, fc, fh, fw] = fmap.stride as [number, number, number, number];
        const div = 2 ** l;
        fillAxis(xs, cx / div, radius, w);
        fillAxis(ys, cy / div, radius, h);
        const fd = fmap.data;
        const base = fmap.offset + b * fb;
        acc.fill(0);
        if (method === 'taps') {
          // Sample the features at the taps, then dot with the query: channel-outer for locality.
          for (let c = 0; c < cCount; c++) {
            const qv = q[c]!;
            const cbase = base + c * fc;
            for (let a = 0; a < k; a++) {
              const x0 = xs.i0[a]! * fw;
              const x1 = xs.i1[a]! * fw;
              const tx = xs.t[a]!;
              for (let bb = 0; bb < k; bb++) {
                const r0 = cbase + ys.i0[bb]! * fh;
                const r1 = cbase + ys.i1[bb]! * fh;
                const ty = ys.t[bb]!;
                const top = fd[r0 + x0]! + tx * (fd[r0 + x1]! - fd[r0 + x0]!);
                const bottom = fd[r1 + x0]! + tx * (fd[r1 + x1]! - fd[r1 + x0]!);
                acc[a * k + bb]! += qv * (top + ty * (bottom - top));
              }
            }
          }
          for (let t = 0; t < kk; t++) acc[t] = acc[t]! * scale;
        } else {
          // Full correlation map of this level, then bilinear sampling of the map.
          const hw = h * w;
          if (corr.length < hw) corr = new Float64Array(hw);
          corr.fill(0, 0, hw);
          for (let c = 0; c < cCount; c++) {
            const qv = q[c]!;
            const cbase = base + c * fc;
            for (let y = 0, p = 0; y < h; y++) {
              const row = cbase + y * fh;
              for (let x = 0; x < w; x++, p++) corr[p]! += qv * fd[row + x * fw]!;
            }
          }
          for (let p = 0; p < hw; p++) corr[p] = Math.fround(corr[p]! * scale);
          for (let a = 0; a < k; a++) {
            const x0 = xs.i0[a]!;
            const x1 = xs.i1[a]!;
            const tx = xs.t[a]!;
            for (let bb = 0; bb < k; bb++) {
              const r0 = ys.i0[bb]! * w;
              const r1 = ys.i1[bb]! * w;
              const ty = ys.t[bb]!;
              const top = corr[r0 + x0]! + tx * (corr[r0 + x1]! - corr[r0 + x0]!);
              const bottom = corr[r1 + x0]! + tx * (corr[r1 + x1]! - corr[r1 + x0]!);
              acc[a * k + bb] = top + ty * (bottom - top);
            }
          }
        }
        const oo = out.offset + b * ob + n * on + l * kk * oi;
        for (let t = 0; t < kk; t++) out.data[oo + t * oi] = acc[t]!;
      }
    }
  }
}
