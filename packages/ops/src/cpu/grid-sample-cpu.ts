// SPDX-License-Identifier: Apache-2.0
// Mirrors PyTorch's 2-D grid sampler (aten/src/ATen/native/cpu/GridSamplerKernel.cpp and
// GridSampler.h: grid_sampler_compute_source_index, clip_coordinates, reflect_coordinates). Source
// coordinates are computed with float32 rounding at every step, as PyTorch does for float tensors, so
// that nearest-neighbour choices and half-pixel ties agree bit for bit.
import type { TensorView } from '@taptr/tensor';
import type { GridSampleAttrs, ResolvedGridSampleAttrs } from '../contract/grid-sample.js';

const f = Math.fround;

/**
 * Source pixel coordinate of normalized grid value `g` along an axis of `size` pixels, after padding
 * (border: clipped; reflection: reflected then clipped; zeros: unchanged). @internal
 */
export function sourceCoordinate(g: number, size: number, paddingMode: GridSampleAttrs['paddingMode'], alignCorners: boolean): number {
  let x = alignCorners ? f(f(g + 1) * f((size - 1) / 2)) : f(f(f(g + 1) * f(size / 2)) - 0.5);
  if (paddingMode === 'border') {
    x = clip(x, size);
  } else if (paddingMode === 'reflection') {
    x = alignCorners ? reflect(x, 0, size - 1) : reflect(x, -0.5, size);
    x = clip(x, size);
  }
  return x;
}

function clip(x: number, size: number): number {
  return Math.min(size - 1, Math.max(x, 0));
}

/** Reflects x into [min, min + span] (PyTorch reflect_coordinates with twice_low = 2 min). */
function reflect(x: number, min: number, span: number): number {
  if (span <= 0) return 0;
  const d = Math.abs(f(x - min));
  const extra = f(d % span);
  const flips = Math.floor(d / span);
  return flips % 2 === 0 ? f(extra + min) : f(f(span - extra) + min);
}

/** Round half to even, like C `nearbyint` in the default rounding mode. @internal */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * CPU kernel of `gridSample` (reference: `torch.nn.functional.grid_sample`, 2-D). Per batch item, the
 * corner offsets and weights of every output location are computed once, then channels are processed
 * one plane at a time (NCHW planes are far apart in memory).
 * @param input - `[N, C, H, W]` dense view.
 * @param grid - `[N, Ho, Wo, 2]` dense view.
 * @param attrs - resolved attributes.
 * @param out - `[N, C, Ho, Wo]` dense view, fully overwritten.
 * @internal
 */
export function gridSampleCpu(input: TensorView<'float32'>, grid: TensorView<'float32'>, attrs: ResolvedGridSampleAttrs, out: TensorView<'float32'>): void {
  const [n, c, h, w] = input.dims as [number, number, number, number];
  const [, ho, wo] = grid.dims as [number, number, number, number];
  const [sn, sc, sh, sw] = [c * h * w, h * w, w, 1];
  const [gn, gh, gw, g2] = [ho * wo * 2, wo * 2, 2, 1];
  const [on, oc, oh, ow] = [c * ho * wo, ho * wo, wo, 1];
  const src = input.data;
  const gd = grid.data;
  const dst = out.data;
  const { mode, paddingMode, alignCorners } = attrs;
  const locations = ho * wo;
  // 4 corners per location (nearest: corner 0 only); out-of-map corners have offset -1 (contribute 0).
  const offsets = new Int32Array(locations * 4);
  const weights = new Float64Array(locations * 4);
  const corners = mode === 'nearest' ? 1 : 4;
  for (let b = 0; b < n; b++) {
    const base = b * sn;
    for (let i = 0, p = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++, p++) {
        const gi = b * gn + i * gh + j * gw;
        const x = sourceCoordinate(gd[gi]!, w, paddingMode, alignCorners);
        const y = sourceCoordinate(gd[gi + g2]!, h, paddingMode, alignCorners);
        if (mode === 'nearest') {
          const xi = roundHalfEven(x);
          const yi = roundHalfEven(y);
          const inside = xi >= 0 && xi < w && yi >= 0 && yi < h;
          offsets[4 * p] = inside ? yi * sh + xi * sw : -1;
          continue;
        }
        const x0 = Math.floor(x);
        const y0 = Math.floor(y);
        const tx = x - x0;
        const ty = y - y0;
        for (let k = 0; k < 4; k++) {
          const xk = x0 + (k & 1);
          const yk = y0 + (k >> 1);
          const inside = xk >= 0 && xk < w && yk >= 0 && yk < h;
          offsets[4 * p + k] = inside ? yk * sh + xk * sw : -1;
          weights[4 * p + k] = (k & 1 ? tx : 1 - tx) * (k >> 1 ? ty : 1 - ty);
        }
      }
    }
    for (let ch = 0; ch < c; ch++) {
      const plane = base + ch * sc;
      const oPlane = b * on + ch * oc;
      for (let i = 0, p = 0; i < ho; i++) {
        let o = oPlane + i * oh;
        for (let j = 0; j < wo; j++, p++, o += ow) {
          const q = 4 * p;
          if (corners === 1) {
            const off = offsets[q]!;
            dst[o] = off < 0 ? 0 : src[plane + off]!;
            continue;
          }
          let acc = 0;
          for (let k = 0; k < 4; k++) {
            const off = offsets[q + k]!;
            if (off >= 0) acc += weights[q + k]! * src[plane + off]!;
          }
          dst[o] = acc;
        }
      }
    }
  }
}
