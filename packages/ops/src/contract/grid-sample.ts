// SPDX-License-Identifier: Apache-2.0
// The gridSample contract, shared by its three forms (ONNX emitter, CPU kernel, WebGPU kernel).
import { describeValue, invalidArgument } from '@taptr/tensor';
import { listOf } from './list-of.js';

/** Interpolation of {@link GridSampleAttrs.mode}, as `torch.nn.functional.grid_sample`'s `mode`. */
export type GridSampleMode = 'bilinear' | 'nearest';

/** Out-of-map handling of {@link GridSampleAttrs.paddingMode}, as `grid_sample`'s `padding_mode`. */
export type GridSamplePaddingMode = 'zeros' | 'border' | 'reflection';

/** The allowed values of {@link GridSampleAttrs.mode}. */
const GRID_SAMPLE_MODES: readonly GridSampleMode[] = Object.freeze(['bilinear', 'nearest']);

/** The allowed values of {@link GridSampleAttrs.paddingMode}. */
const GRID_SAMPLE_PADDING_MODES: readonly GridSamplePaddingMode[] = Object.freeze(['zeros', 'border', 'reflection']);

/**
 * Attributes of **gridSample**: PyTorch `F.grid_sample` (2-D) = ONNX `GridSample` (opset 16).
 *
 * Shapes: input `[N, C, H, W]` (H, W >= 1), grid `[N, Ho, Wo, 2]` holding (x, y) in [-1, 1] (outside
 * is allowed) → output `[N, C, Ho, Wo]`. Pixel conventions: docs/coordinates.md §2.
 */
export interface GridSampleAttrs {
  /** Interpolation. `'nearest'` rounds half to even (`nearbyint`) like PyTorch. Defaults to `'bilinear'`. */
  readonly mode?: GridSampleMode;
  /** Handling of locations outside the map. Defaults to `'zeros'`. */
  readonly paddingMode?: GridSamplePaddingMode;
  /**
   * `true`: -1 and 1 are the centres of the corner pixels (pixel = (g + 1) / 2 · (size − 1));
   * `false`: they are the outer edges of the corner pixels (pixel = ((g + 1) · size − 1) / 2).
   * Defaults to `false`.
   */
  readonly alignCorners?: boolean;
}

/** {@link GridSampleAttrs} with every field resolved (what kernels receive). */
export type ResolvedGridSampleAttrs = Readonly<Required<GridSampleAttrs>>;

/** PyTorch's defaults for {@link GridSampleAttrs}. */
const DEFAULT_GRID_SAMPLE_ATTRS: ResolvedGridSampleAttrs = Object.freeze({
  mode: 'bilinear',
  paddingMode: 'zeros',
  alignCorners: false,
});

/**
 * Resolves and checks {@link GridSampleAttrs} from any caller (TypeError / RangeError naming `attrs.<field>`).
 * @internal
 */
export function resolveGridSampleAttrs(fn: string, attrs: unknown): ResolvedGridSampleAttrs {
  if (attrs === null || typeof attrs !== 'object') throw invalidArgument('type', fn, 'attrs', 'an object', describeValue(attrs));
  const {
    mode = DEFAULT_GRID_SAMPLE_ATTRS.mode,
    paddingMode = DEFAULT_GRID_SAMPLE_ATTRS.paddingMode,
    alignCorners = DEFAULT_GRID_SAMPLE_ATTRS.alignCorners,
  } = attrs as GridSampleAttrs;
  if (!GRID_SAMPLE_MODES.includes(mode)) throw invalidArgument('range', fn, 'attrs.mode', `one of ${listOf(GRID_SAMPLE_MODES)}`, describeValue(mode));
  if (!GRID_SAMPLE_PADDING_MODES.includes(paddingMode)) {
    throw invalidArgument('range', fn, 'attrs.paddingMode', `one of ${listOf(GRID_SAMPLE_PADDING_MODES)}`, describeValue(paddingMode));
  }
  if (typeof alignCorners !== 'boolean') throw invalidArgument('type', fn, 'attrs.alignCorners', 'a boolean', describeValue(alignCorners));
  return { mode, paddingMode, alignCorners };
}
