// SPDX-License-Identifier: Apache-2.0
// TAPTR CorrBlock lookup (taptr-spec section 7; official code: models/dino/point_deformable_transformer.py,
// CorrBlock.sample / bilinear_sampler = grid_sample(bilinear, border, align_corners=True)).
import type { NdArray } from 'ndarray';
import type { ResolvedCostVolumeAttrs } from '../attrs.js';

/**
 * Per-point, per-axis bilinear taps on an align-corners, border-clamped axis: entry (n, a) holds the
 * lower pixel index, the upper pixel index (clamped; its weight is 0 when clamped) and the upper weight.
 */
interface AxisTaps {
  readonly i0: Int32Array;
  readonly i1: Int32Array;
  readonly t: Float64Array;
}

function axisTaps(count: number): AxisTaps {
  return { i0: new Int32Array(count), i1: new Int32Array(count), t: new Float64Array(count) };
}

/** Points per block: keeps a block's accumulators in cache while the channel planes stream by. */
const BLOCK = 64;

/** Fills taps [at, at + 2r] for centre `c` (pixels of this level), offsets -r..r, axis length `size`. */
function fillAxis(taps: AxisTaps, at: number, c: number, radius: number, size: number): void {
  const k = 2 * radius + 1;
  for (let a = 0; a < k; a++) {
    let x = c + (a - radius);
    x = x > size - 1 ? size - 1 : x < 0 ? 0 : x; // border padding (NaN stays NaN: index 0, weight NaN)
    const x0 = Math.floor(x);
    const i0 = x0 >= 0 && x0 < size ? x0 : 0;
    taps.i0[at + a] = i0;
    taps.i1[at + a] = Math.min(i0 + 1, size - 1);
    taps.t[at + a] = x - x0;
  }
}

/**
 * CPU kernel of `costVolume`. Every method loops channel-outer over all points of a frame, so that
 * each channel plane of a level is read once per frame (NCHW planes are far apart in memory).
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
  const qd = queries.data;
  const xs = axisTaps(nCount * k);
  const ys = axisTaps(nCount * k);
  const acc = new Float64Array(nCount * kk);
  // 'full': correlation maps of a chunk of points (bounded scratch).
  const maxPixels = features.reduce((m, f) => Math.max(m, f.shape[2]! * f.shape[3]!), 0);
  const chunk = Math.max(1, Math.min(nCount, Math.floor((1 << 21) / Math.max(maxPixels, 1))));
  const win = k + 1;
  const win2 = win * win;
  const corr = new Float64Array(method === 'full' ? chunk * maxPixels : method === 'window' ? nCount * win2 : 0);
  for (let b = 0; b < bCount; b++) {
    for (let l = 0; l < features.length; l++) {
      const fmap = features[l]!;
      const [, , h, w] = fmap.shape as [number, number, number, number];
      const [fb, fc, fh, fw] = fmap.stride as [number, number, number, number];
      const fd = fmap.data;
      const base = fmap.offset + b * fb;
      const div = 2 ** l;
      for (let n = 0; n < nCount; n++) {
        const co = centers.offset + b * cb + n * cn;
        fillAxis(xs, n * k, centers.data[co]! / div, radius, w);
        fillAxis(ys, n * k, centers.data[co + c2]! / div, radius, h);
      }
      acc.fill(0);
      if (method === 'window') corr.fill(0);
      if (method === 'taps') {
        // Sample the features at the taps, then dot with the query (summed channel by channel).
        for (let n0 = 0; n0 < nCount; n0 += BLOCK) {
          const n1 = Math.min(nCount, n0 + BLOCK);
          for (let c = 0; c < cCount; c++) {
            const plane = base + c * fc;
            for (let n = n0; n < n1; n++) {
              const qv = qd[queries.offset + b * qb + n * qn + c * qc]!;
              const an = n * k;
              for (let a = 0; a < k; a++) {
                const x0 = xs.i0[an + a]! * fw;
                const x1 = xs.i1[an + a]! * fw;
                const tx = xs.t[an + a]!;
                const o = (an + a) * k;
                for (let bb = 0; bb < k; bb++) {
                  const r0 = plane + ys.i0[an + bb]! * fh;
                  const r1 = plane + ys.i1[an + bb]! * fh;
                  const ty = ys.t[an + bb]!;
                  const top = fd[r0 + x0]! + tx * (fd[r0 + x1]! - fd[r0 + x0]!);
                  const bottom = fd[r1 + x0]! + tx * (fd[r1 + x1]! - fd[r1 + x0]!);
                  acc[o + bb]! += qv * (top + ty * (bottom - top));
                }
              }
            }
          }
        }
        for (let t = 0; t < acc.length; t++) acc[t] = acc[t]! * scale;
      } else if (method === 'window') {
        // Correlation only at the pixels the taps read (a (2r+2)^2 window per point), then sampling.
        for (let n0 = 0; n0 < nCount; n0 += BLOCK) {
          const n1 = Math.min(nCount, n0 + BLOCK);
          for (let c = 0; c < cCount; c++) {
            const plane = base + c * fc;
            for (let n = n0; n < n1; n++) {
              const qv = qd[queries.offset + b * qb + n * qn + c * qc]!;
              const an = n * k;
              const x0 = xs.i0[an]!;
              const ww = xs.i1[an + k - 1]! - x0 + 1;
              const y0 = ys.i0[an]!;
              const wh = ys.i1[an + k - 1]! - y0 + 1;
              const m = n * win2;
              for (let yy = 0; yy < wh; yy++) {
                const row = plane + (y0 + yy) * fh + x0 * fw;
                const o = m + yy * win;
                for (let xx = 0; xx < ww; xx++) corr[o + xx]! += qv * fd[row + xx * fw]!;
              }
            }
          }
        }
        for (let n = 0; n < nCount; n++) {
          const an = n * k;
          const m = n * win2;
          const x0w = xs.i0[an]!;
          const y0w = ys.i0[an]!;
          for (let j = 0; j < win2; j++) corr[m + j] = Math.fround(corr[m + j]! * scale);
          for (let a = 0; a < k; a++) {
            const x0 = xs.i0[an + a]! - x0w;
            const x1 = xs.i1[an + a]! - x0w;
            const tx = xs.t[an + a]!;
            for (let bb = 0; bb < k; bb++) {
              const r0 = m + (ys.i0[an + bb]! - y0w) * win;
              const r1 = m + (ys.i1[an + bb]! - y0w) * win;
              const ty = ys.t[an + bb]!;
              const top = corr[r0 + x0]! + tx * (corr[r0 + x1]! - corr[r0 + x0]!);
              const bottom = corr[r1 + x0]! + tx * (corr[r1 + x1]! - corr[r1 + x0]!);
              acc[(an + a) * k + bb] = top + ty * (bottom - top);
            }
          }
        }
      } else {
        // The full correlation map of each point, then bilinear sampling of the map.
        const hw = h * w;
        for (let n0 = 0; n0 < nCount; n0 += chunk) {
          const n1 = Math.min(nCount, n0 + chunk);
          corr.fill(0, 0, (n1 - n0) * hw);
          for (let c = 0; c < cCount; c++) {
            const plane = base + c * fc;
            for (let n = n0; n < n1; n++) {
              const qv = qd[queries.offset + b * qb + n * qn + c * qc]!;
              let p = (n - n0) * hw;
              for (let y = 0; y < h; y++) {
                const row = plane + y * fh;
                for (let x = 0; x < w; x++, p++) corr[p]! += qv * fd[row + x * fw]!;
              }
            }
          }
          for (let p = 0; p < (n1 - n0) * hw; p++) corr[p] = Math.fround(corr[p]! * scale);
          for (let n = n0; n < n1; n++) {
            const an = n * k;
            const m = (n - n0) * hw;
            for (let a = 0; a < k; a++) {
              const x0 = xs.i0[an + a]!;
              const x1 = xs.i1[an + a]!;
              const tx = xs.t[an + a]!;
              for (let bb = 0; bb < k; bb++) {
                const r0 = m + ys.i0[an + bb]! * w;
                const r1 = m + ys.i1[an + bb]! * w;
                const ty = ys.t[an + bb]!;
                const top = corr[r0 + x0]! + tx * (corr[r0 + x1]! - corr[r0 + x0]!);
                const bottom = corr[r1 + x0]! + tx * (corr[r1 + x1]! - corr[r1 + x0]!);
                acc[(an + a) * k + bb] = top + ty * (bottom - top);
              }
            }
          }
        }
      }
      for (let n = 0; n < nCount; n++) {
        const oo = out.offset + b * ob + n * on + l * kk * oi;
        for (let t = 0; t < kk; t++) out.data[oo + t * oi] = acc[n * kk + t]!;
      }
    }
  }
}
