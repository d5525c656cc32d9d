// SPDX-License-Identifier: Apache-2.0

/** Interpolation of {@link GridSampleAttrs.mode}, as `torch.nn.functional.grid_sample`'s `mode`. */
export type GridSampleMode = 'bilinear' | 'nearest';

/** Out-of-map handling of {@link GridSampleAttrs.paddingMode}, as `grid_sample`'s `padding_mode`. */
export type GridSamplePaddingMode = 'zeros' | 'border' | 'reflection';

/** The allowed values of {@link GridSampleAttrs.mode}. */
export const GRID_SAMPLE_MODES: readonly GridSampleMode[] = Object.freeze(['bilinear', 'nearest']);

/** The allowed values of {@link GridSampleAttrs.paddingMode}. */
export const GRID_SAMPLE_PADDING_MODES: readonly GridSamplePaddingMode[] = Object.freeze(['zeros', 'border', 'reflection']);

/**
 * Attributes of `gridSample`, with PyTorch `F.grid_sample` semantics (NCHW input, grid in [-1, 1]
 * with x first).
 */
export interface GridSampleAttrs {
  /** Interpolation. `'nearest'` rounds half to even (`nearbyint`) like PyTorch. Defaults to `'bilinear'`. */
  readonly mode?: GridSampleMode;
  /** Handling of locations outside the map. Defaults to `'zeros'`. */
  readonly paddingMode?: GridSamplePaddingMode;
  /**
   * `true`: -1 and 1 are the centres of the corner pixels (pixel = (g + 1) / 2 * (size - 1));
   * `false`: they are the outer edges of the corner pixels (pixel = ((g + 1) * size - 1) / 2).
   * Defaults to `false`.
   */
  readonly alignCorners?: boolean;
}

/** PyTorch's defaults for {@link GridSampleAttrs}. */
export const DEFAULT_GRID_SAMPLE_ATTRS: Readonly<Required<GridSampleAttrs>> = Object.freeze({
  mode: 'bilinear',
  paddingMode: 'zeros',
  alignCorners: false,
});

/**
 * How `costVolume` is computed; all give the same values up to float rounding.
 * - `'taps'`: bilinearly sample the feature maps at the (2r+1)^2 taps, then dot with the query
 *   (work proportional to the number of taps).
 * - `'full'`: the literal TAPTR definition, the full correlation map <query, F_l[:, i, j]> for every
 *   pixel, then bilinear sampling of that map (work proportional to the map size; a reference).
 * - `'window'`: the correlation map only at the (2r+2)^2 pixels the taps read, then bilinear
 *   sampling (taptr-spec section 13, "correlation only at the taps actually sampled"; the fastest).
 */
export type CostVolumeMethod = 'taps' | 'full' | 'window';

/** The allowed values of {@link CostVolumeAttrs.method}. */
export const COST_VOLUME_METHODS: readonly CostVolumeMethod[] = Object.freeze(['taps', 'full', 'window']);

/** Attributes of `costVolume` (TAPTR `CorrBlock`, taptr-spec section 7). */
export interface CostVolumeAttrs {
  /** Window half-size r in feature pixels: (2r+1)^2 taps per level. Defaults to 3 (TAPTR). */
  readonly radius?: number;
  /** Factor applied to every dot product. Defaults to 1/sqrt(C) (TAPTR). */
  readonly scale?: number;
  /** Algorithm. Defaults to `'window'` (the fastest; it also sums in the official order: dot, then interpolate). */
  readonly method?: CostVolumeMethod;
}

/** {@link CostVolumeAttrs} with every field resolved (what kernels receive). */
export interface ResolvedCostVolumeAttrs {
  readonly radius: number;
  readonly scale: number;
  readonly method: CostVolumeMethod;
}

/** TAPTR's correlation radius (taptr-spec section 7). */
export const DEFAULT_COST_VOLUME_RADIUS = 3;
