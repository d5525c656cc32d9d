// SPDX-License-Identifier: Apache-2.0
// The bilinearGather contract, shared by its three forms (ONNX emitter, CPU kernel, WebGPU kernel).
import { describeValue, invalidArgument } from '@taptr/tensor';
import { listOf } from './list-of.js';
import { checkPixelScale, type PixelScale } from './pixel-scale.js';

/** Out-of-map handling of {@link BilinearGatherAttrs.paddingMode} (grid_sample's `zeros` and `border`). */
export type BilinearPaddingMode = 'zeros' | 'border';

/** The allowed values of {@link BilinearGatherAttrs.paddingMode}. */
const BILINEAR_PADDING_MODES: readonly BilinearPaddingMode[] = Object.freeze(['zeros', 'border']);

/**
 * Attributes of **bilinearGather**: bilinear samples of a map stored token-major (one row of C
 * channels per pixel, row-major, y slow), the way the encoder memory `[S, C]` holds its levels.
 *
 * Shapes: table `[S, C]`, positions `[P, 2]` holding (x, y) → output `[P, C]`. The map is the rows
 * `[start, start + height · width)` of the table. Position (x, y) is the pixel (x · sx, y · sy)
 * (`pixelScale`, default [1, 1]); integers are pixel centres (docs/coordinates.md). Each output row is
 * Σ weight · row over the 4 neighbouring pixels (corner order (x0, y0), (x0+1, y0), (x0, y0+1),
 * (x0+1, y0+1); weights (1 − fx)(1 − fy), fx(1 − fy), (1 − fx)fy, fx·fy), i.e. `grid_sample` bilinear
 * with the same padding evaluated directly in pixels, channel-last.
 */
export interface BilinearGatherAttrs {
  /** Map height h >= 1. */
  readonly height: number;
  /** Map width w >= 1. */
  readonly width: number;
  /** First table row of the map. Defaults to 0. */
  readonly start?: number;
  /** `'border'`: the position is clamped into [0, w − 1] × [0, h − 1] first; `'zeros'`: neighbours outside the map weigh 0. */
  readonly paddingMode: BilinearPaddingMode;
  /** Positions → pixels, see {@link PixelScale}. Defaults to none (positions are pixels). */
  readonly pixelScale?: PixelScale;
}

/** {@link BilinearGatherAttrs} resolved (what kernels receive). */
export interface ResolvedBilinearGatherAttrs {
  readonly height: number;
  readonly width: number;
  readonly start: number;
  readonly paddingMode: BilinearPaddingMode;
  readonly pixelScale: PixelScale | undefined;
}

/**
 * Resolves and checks {@link BilinearGatherAttrs} from any caller (TypeError / RangeError naming `attrs.<field>`).
 * @internal
 */
export function resolveBilinearGatherAttrs(fn: string, attrs: unknown): ResolvedBilinearGatherAttrs {
  if (attrs === null || typeof attrs !== 'object') throw invalidArgument('type', fn, 'attrs', 'an object', describeValue(attrs));
  const { height, width, start = 0, paddingMode, pixelScale } = attrs as BilinearGatherAttrs;
  const positive = (arg: string, v: unknown) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw invalidArgument('range', fn, arg, 'a positive integer', describeValue(v));
  };
  positive('attrs.height', height);
  positive('attrs.width', width);
  if (typeof start !== 'number' || !Number.isInteger(start) || start < 0)
    throw invalidArgument('range', fn, 'attrs.start', 'a non-negative integer', describeValue(start));
  if (!BILINEAR_PADDING_MODES.includes(paddingMode)) {
    throw invalidArgument('range', fn, 'attrs.paddingMode', `one of ${listOf(BILINEAR_PADDING_MODES)}`, describeValue(paddingMode));
  }
  return { height, width, start, paddingMode, pixelScale: checkPixelScale(fn, 'attrs.pixelScale', pixelScale) };
}
