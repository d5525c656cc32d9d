// SPDX-License-Identifier: Apache-2.0
// The ONNX form of bilinearGather, and its corner stage (moved from @taptr/model's
// graphs/decoder-bilinear-gather.ts, node for node).
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { resolveBilinearGatherAttrs, type BilinearGatherAttrs, type BilinearPaddingMode } from '../contract/bilinear-gather.js';
import type { LevelShape } from '../contract/cost-volume.js';
import { checkStaticSize } from './static-size.js';

/** The 4 bilinear corners of sample points (corner order: (x0,y0), (x1,y0), (x0,y1), (x1,y1)). */
export interface BilinearCorners {
  /** Row-major token offsets `y·w + x` within each point's map, int64 `[..., 4]` (always in range; built when first read). */
  readonly index: OnnxValue;
  /** Bilinear weights float32 `[..., 4]` (0 for corners outside the map with zero padding). */
  readonly weight: OnnxValue;
  /** With `coordinates: true`: the corners' column / row (clamped into the map, as float32) `[..., 4]`. */
  readonly x?: OnnxValue;
  readonly y?: OnnxValue;
}

/**
 * The corner stage of {@link bilinearGatherOnnx}: bilinear corners of pixel positions `(u, v)` (pixel
 * centres at integers) with the padding of the bilinearGather contract: `'border'` clamps the position
 * to `[0, w−1] x [0, h−1]` first; `'zeros'` gives corners outside the map weight 0. Indices are clamped
 * into the map so that a Gather is always valid.
 *
 * For callers that gather and weigh the corners themselves (several maps of different sizes at once,
 * per-head weights, frame offsets): `sizes[i]` is the map of level i, laid out as a constant of shape
 * `levelShape` that broadcasts against `u` and `v`. `options.coordinates` also returns each corner's
 * (clamped) column and row.
 * @param u - x pixel coordinate `[...]` (align_corners=1: x·(w−1); align_corners=0: x·w − 0.5).
 * @param v - y pixel coordinate, same shape.
 * @param sizes - map size per level (`levelShape` has `sizes.length` elements).
 * @param levelShape - shape of the per-level constants, e.g. `[L, 1]` for u of shape `[..., L, P]`.
 */
export function bilinearCornersOnnx(
  g: GraphBuilder,
  u: OnnxValue,
  v: OnnxValue,
  sizes: readonly LevelShape[],
  levelShape: readonly number[],
  padding: BilinearPaddingMode,
  options: { readonly coordinates?: boolean } = {},
): BilinearCorners {
  const perLevel = (f: (s: LevelShape) => number) => g.constFloat(Float32Array.from(sizes, f), levelShape);
  const zero = g.constFloat(0);
  const one = g.constFloat(1);
  const xMax = perLevel((s) => s.w - 1);
  const yMax = perLevel((s) => s.h - 1);
  const clampX = (x: OnnxValue) => g.min(g.max(x, zero), xMax);
  const clampY = (y: OnnxValue) => g.min(g.max(y, zero), yMax);
  const x = padding === 'border' ? clampX(u) : u;
  const y = padding === 'border' ? clampY(v) : v;
  const x0 = g.op('Floor', [x]);
  const y0 = g.op('Floor', [y]);
  const fx = g.sub(x, x0);
  const fy = g.sub(y, y0);
  const x1 = g.add(x0, one);
  const y1 = g.add(y0, one);
  let wx0 = g.sub(one, fx);
  let wx1 = fx;
  let wy0 = g.sub(one, fy);
  let wy1 = fy;
  if (padding === 'zeros') {
    const inside = (c: OnnxValue, max: OnnxValue) => g.cast(g.and(g.op('GreaterOrEqual', [c, zero]), g.op('LessOrEqual', [c, max])), 'float32');
    wx0 = g.mul(wx0, inside(x0, xMax));
    wx1 = g.mul(wx1, inside(x1, xMax));
    wy0 = g.mul(wy0, inside(y0, yMax));
    wy1 = g.mul(wy1, inside(y1, yMax));
  }
  const cx0 = clampX(x0);
  const cx1 = clampX(x1);
  const cy0 = clampY(y0);
  const cy1 = clampY(y1);
  const stack = (values: OnnxValue[]) =>
    g.concat(
      values.map((t) => g.unsqueeze(t, [-1])),
      -1,
    );
  const weight = stack([g.mul(wx0, wy0), g.mul(wx1, wy0), g.mul(wx0, wy1), g.mul(wx1, wy1)]);
  // The index is built only when read (the correlation taps use the coordinates instead): an unread
  // index would be dead nodes, which onnxruntime still runs, at the end of the graph, keeping the
  // corner coordinates of every layer alive until then (issue 15).
  let index: OnnxValue | undefined;
  const coordinates = options.coordinates === true ? { x: stack([cx0, cx1, cx0, cx1]), y: stack([cy0, cy0, cy1, cy1]) } : {};
  return {
    weight,
    ...coordinates,
    get index(): OnnxValue {
      if (index === undefined) {
        const width = perLevel((s) => s.w);
        const rowY0 = g.mul(cy0, width);
        const rowY1 = g.mul(cy1, width);
        index = g.cast(stack([g.add(rowY0, cx0), g.add(rowY0, cx1), g.add(rowY1, cx0), g.add(rowY1, cx1)]), 'int64');
      }
      return index;
    },
  };
}

/** Positions of {@link bilinearGatherOnnx}: `[P, 2]` (x, y), or its two columns `[P]` already split. */
export type OnnxPositions = OnnxValue | { readonly x: OnnxValue; readonly y: OnnxValue };

/** Attributes of {@link bilinearGatherOnnx}: the contract's plus the static channel count. */
export interface BilinearGatherOnnxAttrs extends BilinearGatherAttrs {
  /** C, the table's row width. */
  readonly channels: number;
}

/**
 * The ONNX form of **bilinearGather** (contract: `BilinearGatherAttrs`): the 4 corner rows of every
 * position gathered from the token-major table (Gather, cost ∝ P, no transposition of the table) and
 * weighted with one MatMul. Used instead of GridSample for few sample points: onnxruntime's GridSample
 * is slow per output element and needs channel-first maps.
 * @param table - `[S, C]`.
 * @param positions - `[P, 2]` (x, y), or its columns `{ x, y }` `[P]` (split once, shared by several calls).
 * @returns `[P, C]`.
 * @throws TypeError / RangeError for invalid attributes.
 */
export function bilinearGatherOnnx(g: GraphBuilder, table: OnnxValue, positions: OnnxPositions, attrs: BilinearGatherOnnxAttrs): OnnxValue {
  const { height, width, start, paddingMode, pixelScale } = resolveBilinearGatherAttrs('bilinearGatherOnnx', attrs);
  const channels = checkStaticSize('bilinearGatherOnnx', 'attrs.channels', attrs.channels);
  const { x, y } = 'name' in positions ? { x: column(g, positions, 0), y: column(g, positions, 1) } : positions;
  const u = pixelScale === undefined ? x : g.mul(x, g.constFloat(pixelScale[0]));
  const v = pixelScale === undefined ? y : g.mul(y, g.constFloat(pixelScale[1]));
  const corners = bilinearCornersOnnx(g, u, v, [{ h: height, w: width }], [1], paddingMode); // [P, 4]
  const gathered = g.gather(table, g.add(corners.index, g.constInt64(start)), 0); // [P, 4, C]
  return g.reshape(g.matMul(g.unsqueeze(corners.weight, [1]), gathered), [-1, channels]); // [P, C]
}

/** Column `i` of `[P, 2]` as `[P]`. */
function column(g: GraphBuilder, positions: OnnxValue, i: number): OnnxValue {
  return g.squeeze(g.slice(positions, [i], [i + 1], [1]), [1]);
}
