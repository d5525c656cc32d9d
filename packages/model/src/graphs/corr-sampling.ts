// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { costVolumeTaps, type CostVolumeMethod } from '@taptr/ops';
import { costVolumeSourceOnnx, sampleCostVolumeOnnx, type CostVolumeOnnxAttrs, type CostVolumeOnnxSource } from '@taptr/ops/onnx';
import { tensor } from '@taptr/tensor';
import { featureLevelShapes, type TaptrConfig } from '../config/index.js';
import { mlp2 } from './blocks/mlp.js';
import { requireParam, type StateDict } from './blocks/state-dict.js';

/** Correlation radius (`CorrBlock` radius 3: 7x7 taps per level; spec §7). */
const CORR_RADIUS = 3;

/** Taps per level, (2r+1)². */
export const CORR_TAPS = costVolumeTaps(CORR_RADIUS);

/** The correlation query of a window and its keys (the query folded through the fmap 1x1 convs). */
export interface CorrelationKeys {
  /** c = `corr_query_proj`(content) `[K, N, C]`. */
  readonly query: OnnxValue;
  /** Per level `[W_lᵀc ; ⟨c, b_l⟩]`: `[K, N, L, C+1]`, so that ⟨c, G_l(p)⟩ = ⟨key_l, [memory(p) ; 1]⟩. */
  readonly keys: OnnxValue;
}

/**
 * The correlation query and keys of a window (spec §7), computed once from the window's input
 * content: c = `corr_query_proj`(content) (MLP2) and, per level l, c folded through
 * G_l = `corr_block.fmap_mappers.l` (1x1 conv): ⟨c, W_l m + b_l⟩ = ⟨W_lᵀc, m⟩ + ⟨c, b_l⟩. The feature
 * maps G_l are never computed.
 * @param content - `[K, N, C]` (the window's FEAT, X⁰).
 */
export function correlationKeys(g: GraphBuilder, stateDict: StateDict, content: OnnxValue, config: TaptrConfig): CorrelationKeys {
  const C = config.hiddenDim;
  const L = config.numFeatureLevels;
  const query = mlp2(g, stateDict, 'transformer.decoder.corr_query_proj', content);
  // [C, L·(C+1)]: column block l = [W_l (out x in, so that c·W_l = W_lᵀc) | b_l].
  const folded = new Float32Array(C * L * (C + 1));
  for (let l = 0; l < L; l++) {
    const w = requireParam(stateDict, `transformer.decoder.corr_block.fmap_mappers.${l}.weight`, [C, C, 1, 1]).data;
    const b = requireParam(stateDict, `transformer.decoder.corr_block.fmap_mappers.${l}.bias`, [C]).data;
    for (let o = 0; o < C; o++) {
      const row = o * L * (C + 1) + l * (C + 1);
      for (let i = 0; i < C; i++) folded[row + i] = w[o * C + i]!;
      folded[row + C] = b[o]!;
    }
  }
  const keys = g.matMul(query, g.initializer(tensor('float32', [C, L * (C + 1)], folded), 'transformer.decoder.corr_block.folded_fmap_mappers'));
  return { query, keys: g.reshape(keys, [0, 0, L, C + 1]) };
}

/** The cost-volume attributes of TAPTR's correlation block (spec §7) for the emitters of `@taptr/ops/onnx`. */
function correlationAttrs(config: TaptrConfig, method: CostVolumeMethod): CostVolumeOnnxAttrs {
  const levels = featureLevelShapes(config);
  const { h: h0, w: w0 } = levels[0]!;
  return {
    levels,
    radius: CORR_RADIUS,
    // Base pixel (X, Y) = (x·(h_0−1), y·(w_0−1)): the official code scales x by the height (spec §8.3; identical for square maps).
    pixelScale: [h0 - 1, w0 - 1],
    method,
    batch: config.slidingWindowSize,
    channels: config.hiddenDim,
  };
}

/**
 * Where {@link sampleCorrelation} reads the correlation of a window (`@taptr/ops`' costVolume over the
 * window memory `[K, S, C]` with the keys of {@link correlationKeys} as per-level queries): `'taps'`
 * gathers, at every sampling, the memory rows of the (2r+2)² map positions that hold the bilinear
 * corners of a point's taps (∝ N; transient N·(2r+2)²·C floats per frame and level: 52 MB at N = 800
 * for the released model); `'volume'` computes the per-level volumes ⟨W_lᵀc, memory⟩ of every token
 * once per window here (one MatMul per level, ∝ N·S·C; best for many points). Both are exact.
 * @param memory - `[K, S, C]`; `keys` from {@link correlationKeys}.
 */
export function correlationSource(g: GraphBuilder, memory: OnnxValue, keys: OnnxValue, config: TaptrConfig, method: CostVolumeMethod): CostVolumeOnnxSource {
  return costVolumeSourceOnnx(g, memory, keys, correlationAttrs(config, method));
}

/**
 * Correlation features at the current references (spec §7 sampling): `@taptr/ops`' costVolume taps
 * at base pixel (X, Y) = (x·(h_0−1), y·(w_0−1)); level l taps at (X/2^l + a − r, Y/2^l + b − r),
 * a, b = 0..2r, bilinear with align_corners=1 and border padding, / √C. Feature index
 * = l·(2r+1)² + a·(2r+1) + b (the x offset a is the slow index).
 * @param referenceXY - sigmoid-space `[K, N, 2]` (x, y).
 * @returns `[K, N, L·(2r+1)²]`.
 */
export function sampleCorrelation(g: GraphBuilder, source: CostVolumeOnnxSource, referenceXY: OnnxValue, config: TaptrConfig): OnnxValue {
  return sampleCostVolumeOnnx(g, source, referenceXY, correlationAttrs(config, source.method));
}
