// SPDX-License-Identifier: Apache-2.0
// The costVolume contract, shared by its three forms (ONNX emitter, CPU kernel, WebGPU kernel).
import { describeValue, invalidArgument } from '@taptr/tensor';
import { listOf } from './list-of.js';
import { checkPixelScale, type PixelScale } from './pixel-scale.js';

/** Spatial size of one feature level (h rows, w columns). */
export interface LevelShape {
  readonly h: number;
  readonly w: number;
}

/**
 * How `costVolume` reaches the correlation values; both give the same values up to float rounding.
 * - `'taps'`: the correlation only at the pixels the taps read, a (2r+2)² window per point and level
 *   (taptr-spec §13 "correlation only at the taps actually sampled"; work ∝ N, independent of the map
 *   size).
 * - `'volume'`: the whole correlation volume of every level (one dot product per point and pixel),
 *   then sampling (work ∝ N · S; the literal definition of spec §7; in ONNX one MatMul per level).
 */
export type CostVolumeMethod = 'taps' | 'volume';

/** The allowed values of {@link CostVolumeAttrs.method}. */
const COST_VOLUME_METHODS: readonly CostVolumeMethod[] = Object.freeze(['taps', 'volume']);

/** TAPTR's correlation radius (taptr-spec §7): 7x7 taps per level. */
const DEFAULT_COST_VOLUME_RADIUS = 3;

/**
 * Attributes of **costVolume**, the local cost volume (TAPTR `CorrBlock` lookup, taptr-spec §7).
 *
 * Shapes: features `[B, S, C]` (token-major: level l is the rows `[start_l, start_l + h_l · w_l)` of
 * each frame, row-major, levels in the order of `levels`, S = Σ h_l · w_l), queries `[B, N, L, C + 1]`
 * (per point and level: C weights and a bias, the weight of an implicit constant-1 feature channel,
 * into which a 1x1 convolution of the features folds), centers `[B, N, 2]` (x, y) → output
 * `[B, N, L · (2r+1)²]`.
 *
 * Value: with corr_l(p) = (⟨queries[b, n, l, :C], features[b, start_l + p]⟩ + queries[b, n, l, C]) ·
 * scale and (X, Y) = centers[b, n] · pixelScale in level-0 pixels, output index l · (2r+1)² + a · (2r+1)
 * + b' (the x offset a is the slow index) holds corr_l sampled bilinearly (integers are pixel centres,
 * border padding: the position is clamped into the map) at (X / 2^l + a − r, Y / 2^l + b' − r),
 * a, b' = 0..2r. Level l is addressed by dividing level-0 pixels by 2^l, not by re-normalizing to its size.
 */
export interface CostVolumeAttrs {
  /** Level sizes in token order (L >= 1, Σ h_l · w_l = S). */
  readonly levels: readonly LevelShape[];
  /** Window half-size r in pixels of each level: (2r+1)² taps per level, r in [0, 64]. Defaults to 3. */
  readonly radius?: number;
  /** Factor of every correlation. Defaults to 1/√C (the ONNX form then divides by √C, as TAPTR). */
  readonly scale?: number;
  /** Centers → level-0 pixels, see {@link PixelScale}. Defaults to none (centers are level-0 pixels). */
  readonly pixelScale?: PixelScale;
  /** Algorithm. Defaults to `'taps'`. */
  readonly method?: CostVolumeMethod;
}

/** {@link CostVolumeAttrs} with every field resolved (what kernels receive). */
export interface ResolvedCostVolumeAttrs {
  readonly levels: readonly LevelShape[];
  /** First token of each level. */
  readonly starts: readonly number[];
  /** S = Σ h_l · w_l. */
  readonly tokens: number;
  readonly radius: number;
  readonly scale: number;
  readonly pixelScale: PixelScale | undefined;
  readonly method: CostVolumeMethod;
}

/** Taps per level, (2r+1)². */
export function costVolumeTaps(radius: number): number {
  return (2 * radius + 1) ** 2;
}

/**
 * Resolves and checks {@link CostVolumeAttrs} from any caller for features of `channels` channels (TypeError /
 * RangeError naming `attrs.<field>`).
 * @internal
 */
export function resolveCostVolumeAttrs(fn: string, attrs: unknown, channels: number): ResolvedCostVolumeAttrs {
  if (attrs === null || typeof attrs !== 'object') throw invalidArgument('type', fn, 'attrs', 'an object', describeValue(attrs));
  const { levels, radius = DEFAULT_COST_VOLUME_RADIUS, scale = 1 / Math.sqrt(Math.max(channels, 1)), method = 'taps', pixelScale } = attrs as CostVolumeAttrs;
  if (!isLevelList(levels)) {
    throw invalidArgument('range', fn, 'attrs.levels', 'a non-empty array of {h, w} positive integers', describeValue(levels));
  }
  if (typeof radius !== 'number' || !Number.isInteger(radius) || radius < 0 || radius > 64) {
    throw invalidArgument('range', fn, 'attrs.radius', 'an integer in [0, 64]', describeValue(radius));
  }
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw invalidArgument('range', fn, 'attrs.scale', 'a finite number', describeValue(scale));
  if (!COST_VOLUME_METHODS.includes(method)) throw invalidArgument('range', fn, 'attrs.method', `one of ${listOf(COST_VOLUME_METHODS)}`, describeValue(method));
  const starts: number[] = [];
  let tokens = 0;
  for (const l of levels) {
    starts.push(tokens);
    tokens += l.h * l.w;
  }
  return { levels, starts, tokens, radius, scale, pixelScale: checkPixelScale(fn, 'attrs.pixelScale', pixelScale), method };
}

/** Tokens of the levels concatenated, `Σ h·w` (the S of a `[B, S, C]` multi-scale memory). */
export function levelTokens(levels: readonly LevelShape[]): number {
  return levels.reduce((s, l) => s + l.h * l.w, 0);
}

/** Whether `value` is a non-empty array of {h, w} positive integers. */
function isLevelList(value: unknown): value is readonly LevelShape[] {
  const isSize = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  const isLevel = (l: unknown) => l !== null && typeof l === 'object' && isSize((l as Partial<LevelShape>).h) && isSize((l as Partial<LevelShape>).w);
  return Array.isArray(value) && value.length > 0 && (value as readonly unknown[]).every(isLevel);
}
