// SPDX-License-Identifier: Apache-2.0
import { tensor } from '@taptr/tensor';
import { featureLevelShapes, levelStartIndex, memoryTokens, type TaptrConfig } from '../config/index.js';
import type { GraphBuilder, OnnxValue } from '../onnx/graph-builder.js';
import { mlp2 } from './blocks/mlp.js';
import { requireParam, type StateDict } from './blocks/state-dict.js';
import { bilinearCorners } from './decoder-bilinear-gather.js';

/** Correlation radius (`CorrBlock` radius 3: 7x7 taps per level; spec §7). */
export const CORR_RADIUS = 3;

/** Taps per level, (2r+1)². */
export const CORR_TAPS = (2 * CORR_RADIUS + 1) ** 2;

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

/**
 * Where {@link sampleCorrelation} reads correlation values:
 * - `memory`: at the taps only, by gathering the raw memory rows at the 4 bilinear corners of every
 *   tap and dotting them with the level's key (cost ∝ N, independent of the map size; best for few points);
 * - `volume`: from the full volume ⟨key_l, [memory ; 1]⟩ of every token, computed once per window by
 *   {@link correlationVolume} (one MatMul per level, ∝ N·S·C; best for many points).
 */
export type CorrelationSource =
  | { readonly kind: 'memory'; readonly memory: OnnxValue; readonly keys: OnnxValue }
  | { readonly kind: 'volume'; readonly volume: OnnxValue };

/**
 * The full correlation volume of a window, all levels, flattened level-major then `[K, S_l, N]`
 * (flat index `(K·s_l + t·S_l + p)·N + n`).
 * @param memory - `[K, S, C]`; `keys` from {@link correlationKeys}.
 */
export function correlationVolume(g: GraphBuilder, memory: OnnxValue, keys: OnnxValue, config: TaptrConfig): CorrelationSource {
  const C = config.hiddenDim;
  const starts = levelStartIndex(config);
  const keysT = g.transpose(keys, [0, 2, 3, 1]); // [K, L, C+1, N]
  const volumes = featureLevelShapes(config).map((level, l) => {
    const memoryL = g.slice(memory, [starts[l]!], [starts[l]! + level.h * level.w], [1]); // [K, S_l, C]
    const keyL = g.squeeze(g.slice(keysT, [l], [l + 1], [1]), [1]); // [K, C+1, N]
    const product = g.matMul(memoryL, g.slice(keyL, [0], [C], [1])); // [K, S_l, N]
    return g.reshape(g.add(product, g.slice(keyL, [C], [C + 1], [1])), [-1]);
  });
  return { kind: 'volume', volume: g.concat(volumes, 0) };
}

/**
 * Correlation features at the current references (spec §7 sampling): base pixel
 * (X, Y) = (x·(h_0−1), y·(w_0−1)); level l taps at (X/2^l + a − r, Y/2^l + b − r), a, b = 0..2r,
 * bilinear with align_corners=1 and border padding (4 gathered corners per tap), / √C. Feature index
 * = l·(2r+1)² + a·(2r+1) + b (the x offset a is the slow index). Both sources give the same values.
 * @param referenceXY - sigmoid-space `[K, N, 2]` (x, y).
 * @returns `[K, N, L·(2r+1)²]`.
 */
export function sampleCorrelation(g: GraphBuilder, source: CorrelationSource, referenceXY: OnnxValue, config: TaptrConfig): OnnxValue {
  const K = config.slidingWindowSize;
  const C = config.hiddenDim;
  const levels = featureLevelShapes(config);
  const starts = levelStartIndex(config);
  const L = levels.length;
  const { h: h0, w: w0 } = levels[0]!;
  const side = 2 * CORR_RADIUS + 1;
  const dx = new Float32Array(CORR_TAPS);
  const dy = new Float32Array(CORR_TAPS);
  for (let a = 0; a < side; a++)
    for (let b = 0; b < side; b++) {
      dx[a * side + b] = a - CORR_RADIUS;
      dy[a * side + b] = b - CORR_RADIUS;
    }
  // The official code scales x by (h_0 − 1) and y by (w_0 − 1) (spec §8.3; identical for square maps).
  const X = g.unsqueeze(g.mul(g.slice(referenceXY, [0], [1], [2]), g.constFloat(h0 - 1)), [3]); // [K, N, 1, 1]
  const Y = g.unsqueeze(g.mul(g.slice(referenceXY, [1], [2], [2]), g.constFloat(w0 - 1)), [3]);
  const pyramid = g.constFloat(Float32Array.from(levels, (_, l) => 2 ** l), [L, 1]);
  const u = g.add(g.div(X, pyramid), g.constFloat(dx, [CORR_TAPS])); // [K, N, L, 49]
  const v = g.add(g.div(Y, pyramid), g.constFloat(dy, [CORR_TAPS]));
  const corners = bilinearCorners(g, u, v, levels, [L, 1], 'border'); // [K, N, L, 49, 4]

  let values: OnnxValue; // [K, N, L, 49, 4]
  if (source.kind === 'memory') {
    const frameOffset = g.constInt64(Array.from({ length: K * L }, (_, i) => Math.floor(i / L) * memoryTokens(config) + starts[i % L]!), [K, 1, L, 1, 1]);
    const rows = g.gather(g.reshape(source.memory, [-1, C]), g.reshape(g.add(corners.index, frameOffset), [0, 0, L, -1]), 0); // [K, N, L, 196, C]
    const keys = source.keys; // [K, N, L, C+1]
    const dots = g.matMul(rows, g.unsqueeze(g.slice(keys, [0], [C], [3]), [4])); // [K, N, L, 196, 1]
    values = g.reshape(g.add(dots, g.unsqueeze(g.slice(keys, [C], [C + 1], [3]), [4])), [0, 0, L, CORR_TAPS, 4]);
  } else {
    const points = g.shape(referenceXY, 1, 2); // [1] = N
    const levelOffset = g.constInt64(Array.from({ length: K * L }, (_, i) => K * starts[i % L]! + Math.floor(i / L) * levels[i % L]!.h * levels[i % L]!.w), [K, 1, L, 1, 1]);
    const pointIndex = g.reshape(g.op('Range', [g.constInt64(0), g.squeeze(points, [0]), g.constInt64(1)]), [1, -1, 1, 1, 1]);
    values = g.gather(source.volume, g.add(g.mul(g.add(corners.index, levelOffset), points), pointIndex), 0);
  }
  const taps = g.reduceSum(g.mul(values, corners.weight), [4], false); // [K, N, L, 49]
  return g.div(g.reshape(taps, [0, 0, L * CORR_TAPS]), g.constFloat(Math.fround(Math.sqrt(C))));
}
