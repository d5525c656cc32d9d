// SPDX-License-Identifier: Apache-2.0
import { tensor } from '@taptr/tensor';
import { featureLevelShapes, type TaptrConfig } from '../config/index.js';
import type { GraphBuilder, OnnxValue } from '../onnx/graph-builder.js';
import { mlp2 } from './blocks/mlp.js';
import { requireParam, type StateDict } from './blocks/state-dict.js';

/** Correlation radius (`CorrBlock` radius 3: 7x7 taps per level; spec §7). */
export const CORR_RADIUS = 3;

/** Taps per level, (2r+1)². */
export const CORR_TAPS = (2 * CORR_RADIUS + 1) ** 2;

/**
 * The correlation keys of a window (spec §7), computed once from the window's input content:
 * c = `corr_query_proj`(content) (MLP2), then per level l the query folded through that level's 1x1
 * conv `corr_block.fmap_mappers.l`: `[W_lᵀ·c ; ⟨c, b_l⟩]`, so that
 * `⟨c, G_l(p)⟩ = ⟨key_l, [memory(p) ; 1]⟩` and the feature maps G_l are never computed.
 * @param content - `[K, N, C]` (the window's FEAT, X⁰).
 * @returns `{ query: [K, N, C], keys: one [K, N, 1, C+1] per level }`.
 */
export function correlationKeys(g: GraphBuilder, stateDict: StateDict, content: OnnxValue, config: TaptrConfig): { query: OnnxValue; keys: OnnxValue[] } {
  const C = config.hiddenDim;
  const L = config.numFeatureLevels;
  const query = mlp2(g, stateDict, 'transformer.decoder.corr_query_proj', content);
  // [C, L·(C+1)]: column block l = [W_l (out x in, used as c·W_l = W_lᵀc) | b_l].
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
  const all = g.matMul(query, g.initializer(tensor('float32', [C, L * (C + 1)], folded), 'transformer.decoder.corr_block.folded_fmap_mappers'));
  const keys = Array.from({ length: L }, (_, l) => g.unsqueeze(g.slice(all, [l * (C + 1)], [(l + 1) * (C + 1)], [2]), [2]));
  return { query, keys };
}

/**
 * Correlation features at the current references (spec §7 sampling), computed only at the taps:
 * base pixel (X, Y) = (x·(h_0−1), y·(w_0−1)); level l taps at (X/2^l + a − r, Y/2^l + b − r),
 * a, b = 0..2r, bilinear with align_corners=1 and border padding on the memory maps (GridSample),
 * then the dot product with the level's key, / √C. Feature index = l·(2r+1)² + a·(2r+1) + b (x offset
 * a is the slow index). Equal to sampling the full correlation volume (bilinear weights sum to 1).
 * @param maps - per-level `[K, C+1, h_l, w_l]` from `memoryLevelMaps`.
 * @param keys - per-level `[K, N, 1, C+1]` from {@link correlationKeys}.
 * @param referenceXY - sigmoid-space `[K, N, 2]` (x, y).
 * @returns `[K, N, L·(2r+1)²]`.
 */
export function sampleCorrelation(g: GraphBuilder, maps: readonly OnnxValue[], keys: readonly OnnxValue[], referenceXY: OnnxValue, config: TaptrConfig): OnnxValue {
  const levels = featureLevelShapes(config);
  const { h: h0, w: w0 } = levels[0]!;
  const side = 2 * CORR_RADIUS + 1;
  const deltas = new Float32Array(CORR_TAPS * 2);
  for (let a = 0; a < side; a++)
    for (let b = 0; b < side; b++) {
      deltas[2 * (a * side + b)] = a - CORR_RADIUS;
      deltas[2 * (a * side + b) + 1] = b - CORR_RADIUS;
    }
  const delta = g.constFloat(deltas, [CORR_TAPS, 2]);
  // The official code scales x by (h_0 − 1) and y by (w_0 − 1) (spec §8.3; identical for square maps).
  const base = g.mul(referenceXY, g.constFloat(Float32Array.of(h0 - 1, w0 - 1), [2])); // [K, N, 2]
  const perLevel = levels.map((level, l) => {
    const centre = g.unsqueeze(l === 0 ? base : g.div(base, g.constFloat(2 ** l)), [2]); // [K, N, 1, 2]
    const pixels = g.add(centre, delta); // [K, N, 49, 2]
    const grid = g.sub(g.div(g.mul(pixels, g.constFloat(2)), g.constFloat(Float32Array.of(level.w - 1, level.h - 1), [2])), g.constFloat(1));
    const sampled = g.gridSample(maps[l]!, grid, { mode: 'bilinear', paddingMode: 'border', alignCorners: true }); // [K, C+1, N, 49]
    return g.matMul(keys[l]!, g.transpose(sampled, [0, 2, 1, 3])); // [K, N, 1, 49]
  });
  const corr = g.squeeze(g.concat(perLevel, 3), [2]); // [K, N, L·49]
  return g.div(corr, g.constFloat(Math.fround(Math.sqrt(config.hiddenDim))));
}
