// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { tensor } from '@taptr/tensor';
import { featureLevelShapes, levelStartIndex, memoryTokens, type TaptrConfig } from '../config/index.js';
import { mlp2 } from './blocks/mlp.js';
import { requireParam, type StateDict } from './blocks/state-dict.js';
import { bilinearCorners } from './decoder-bilinear-gather.js';

/** Correlation radius (`CorrBlock` radius 3: 7x7 taps per level; spec §7). */
export const CORR_RADIUS = 3;

/** Taps per level, (2r+1)². */
export const CORR_TAPS = (2 * CORR_RADIUS + 1) ** 2;

/** Side of the square of map positions that holds every bilinear corner of a point's taps on one level, 2r+2. */
export const CORR_PATCH = 2 * CORR_RADIUS + 2;

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
 * - `memory`: at the taps only: the raw memory rows of the (2r+2)² map positions that hold the 4
 *   bilinear corners of a point's (2r+1)² taps on a level are gathered and dotted with the level's key,
 *   one frame and one level at a time (cost ∝ N, independent of the map size; transient
 *   N·(2r+2)²·C floats: 52 MB at N = 800 for the released model);
 * - `volume`: from the per-level volumes ⟨W_lᵀc, memory⟩ of every token, computed once per window by
 *   {@link correlationVolume} (one MatMul per level, ∝ N·S·C; best for many points); the conv bias
 *   term ⟨c, b_l⟩ is added after sampling.
 */
export type CorrelationSource =
  | { readonly kind: 'memory'; readonly memory: OnnxValue; readonly keys: OnnxValue }
  | {
      readonly kind: 'volume';
      /** Per level l, `[K, S_l, N]` flattened (flat index `(t·S_l + p)·N + n`). */
      readonly volumes: readonly OnnxValue[];
      /** ⟨c, b_l⟩ `[K, N, L]`. */
      readonly bias: OnnxValue;
    };

/**
 * The correlation volume of a window without the conv bias term: one `[K, S_l, N]` tensor per level
 * (kept apart, no Concat: at N = 800 the released model's volumes are 557 MB, and a concatenated copy
 * would double that while it is built), plus the bias term ⟨c, b_l⟩ `[K, N, L]`, which
 * {@link sampleCorrelation} adds after sampling (border padding: the bilinear weights of a tap sum to 1).
 * @param memory - `[K, S, C]`; `keys` from {@link correlationKeys}.
 */
export function correlationVolume(g: GraphBuilder, memory: OnnxValue, keys: OnnxValue, config: TaptrConfig): CorrelationSource {
  const C = config.hiddenDim;
  const starts = levelStartIndex(config);
  const keysT = g.transpose(g.slice(keys, [0], [C], [3]), [0, 2, 3, 1]); // [K, L, C, N]
  const volumes = featureLevelShapes(config).map((level, l) => {
    const memoryL = g.slice(memory, [starts[l]!], [starts[l]! + level.h * level.w], [1]); // [K, S_l, C]
    const keyL = g.squeeze(g.slice(keysT, [l], [l + 1], [1]), [1]); // [K, C, N]
    return g.reshape(g.matMul(memoryL, keyL), [-1]); // [K, S_l, N] flattened
  });
  return { kind: 'volume', volumes, bias: g.squeeze(g.slice(keys, [C], [C + 1], [3]), [3]) };
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
  const corners = bilinearCorners(g, u, v, levels, [L, 1], 'border', { coordinates: source.kind === 'memory' }); // [K, N, L, 49, 4]

  const scale = g.constFloat(Math.fround(Math.sqrt(C)));
  if (source.kind === 'volume') {
    // One Gather per level from that level's volume; the bias term ⟨c, b_l⟩ is added after the
    // weighted sum, scaled by the tap's summed bilinear weights.
    const points = g.shape(referenceXY, 1, 2); // [1] = N
    const pointIndex = g.reshape(g.op('Range', [g.constInt64(0), g.squeeze(points, [0]), g.constInt64(1)]), [1, -1, 1, 1]);
    const perLevel = levels.map((level, l) => {
      const frameOffset = g.constInt64(Array.from({ length: K }, (_, t) => t * level.h * level.w), [K, 1, 1, 1]);
      const index = g.squeeze(g.slice(corners.index, [l], [l + 1], [2]), [2]); // [K, N, 49, 4]
      return g.unsqueeze(g.gather(source.volumes[l]!, g.add(g.mul(g.add(index, frameOffset), points), pointIndex), 0), [2]);
    });
    const sampled = g.reduceSum(g.mul(g.concat(perLevel, 2), corners.weight), [4], false); // [K, N, L, 49]
    const taps = g.add(sampled, g.mul(g.unsqueeze(source.bias, [3]), g.reduceSum(corners.weight, [4], false)));
    return g.div(g.reshape(taps, [0, 0, L * CORR_TAPS]), scale);
  }
  // Patch origin: the first tap's first corner (the smallest column and row of every corner of the
  // point's taps, since u and v grow with the tap offsets), moved back so that the patch stays in the
  // map. Every corner then lies in the patch, except that float rounding can put the last column's
  // (row's) upper corner one past it exactly when its bilinear weight is 0; clamping the relative
  // index keeps that corner in the patch with no effect on the result.
  const P = CORR_PATCH;
  const S = memoryTokens(config);
  const zero = g.constFloat(0);
  const perLevel = (f: (l: { h: number; w: number }) => number, shape: number[]) => g.constFloat(Float32Array.from(levels, f), shape);
  const first = (c: OnnxValue) => g.reshape(g.slice(g.reshape(c, [0, 0, L, -1]), [0], [1], [3]), [0, 0, L]); // [K, N, L]
  const sx = g.max(g.min(first(corners.x!), perLevel((l) => l.w - P, [L])), zero);
  const sy = g.max(g.min(first(corners.y!), perLevel((l) => l.h - P, [L])), zero);
  const last = g.constFloat(P - 1);
  const relative = (c: OnnxValue, origin: OnnxValue) => g.min(g.max(g.sub(c, g.unsqueeze(origin, [3, 4])), zero), last);
  const within = g.reshape(g.cast(g.add(g.mul(relative(corners.y!, sy), g.constFloat(P)), relative(corners.x!, sx)), 'int64'), [0, 0, L, CORR_TAPS * 4]); // [K, N, L, 196]
  // Patch tokens (row-major, y slow), clamped into the map: maps narrower than P repeat their last column.
  const steps = g.constFloat(Float32Array.from({ length: P }, (_, i) => i), [P]);
  const px = g.min(g.add(g.unsqueeze(sx, [3]), steps), perLevel((l) => l.w - 1, [L, 1])); // [K, N, L, P]
  const py = g.min(g.add(g.unsqueeze(sy, [3]), steps), perLevel((l) => l.h - 1, [L, 1]));
  const local = g.add(g.mul(g.unsqueeze(py, [4]), perLevel((l) => l.w, [L, 1, 1])), g.unsqueeze(px, [3])); // [K, N, L, P, P]
  const frameLevelOffset = g.constInt64(Array.from({ length: K * L }, (_, i) => Math.floor(i / L) * S + starts[i % L]!), [K, 1, L, 1]);
  const tokens = g.add(g.cast(g.reshape(local, [0, 0, L, P * P]), 'int64'), frameLevelOffset); // [K, N, L, P²] rows of [K·S, C]
  const rows = g.reshape(source.memory, [-1, C]);
  const keys = g.unsqueeze(g.slice(source.keys, [0], [C], [3]), [4]); // [K, N, L, C, 1]
  // One frame and one level at a time: each gather [1, N, 1, P², C] is consumed by its MatMul at once.
  const frames: OnnxValue[] = [];
  for (let t = 0; t < K; t++) {
    const perLevelDots: OnnxValue[] = [];
    for (let l = 0; l < L; l++) {
      const pick = (x: OnnxValue) => g.slice(x, [t, l], [t + 1, l + 1], [0, 2]);
      perLevelDots.push(g.matMul(g.gather(rows, pick(tokens), 0), pick(keys))); // [1, N, 1, P², 1]
    }
    frames.push(g.concat(perLevelDots, 2));
  }
  const patch = g.add(g.reshape(g.concat(frames, 0), [0, 0, L, P * P]), g.slice(source.keys, [C], [C + 1], [3])); // [K, N, L, P²]
  const values = g.reshape(g.op('GatherElements', [patch, within], { axis: 3 }), [0, 0, L, CORR_TAPS, 4]);
  const taps = g.reduceSum(g.mul(values, corners.weight), [4], false); // [K, N, L, 49]
  return g.div(g.reshape(taps, [0, 0, L * CORR_TAPS]), scale);
}
