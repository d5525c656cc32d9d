// SPDX-License-Identifier: Apache-2.0
import { tensor } from '@taptr/tensor';
import { featureLevelShapes, type TaptrConfig } from '../config/index.js';
import type { GraphBuilder, OnnxValue } from '../onnx/graph-builder.js';
import { linear } from './blocks/linear.js';
import { requireParam, type StateDict } from './blocks/state-dict.js';

/** Inputs of {@link decoderCrossAttention}. */
export interface DecoderCrossAttentionInputs {
  /** Queries `[K, N, C]` (content + query position). */
  readonly query: OnnxValue;
  /** Sigmoid-space reference (x, y) `[K, N, 2]`, the same for every level. */
  readonly referenceXY: OnnxValue;
  /** The window memory as per-level `[K, C+1, h_l, w_l]` maps with a ones channel (`memoryLevelMaps`). */
  readonly maps: readonly OnnxValue[];
}

/**
 * The decoder's deformable cross-attention (`MSDeformAttn`, spec §5.1 with `ignore_wh_inca`), frame t
 * attending to its own memory, computed **sample first, then project**: the raw memory is sampled
 * (GridSample bilinear, zeros, align_corners=0) at every head's locations
 * `loc = r + Δ/(w_l, h_l)`, weighted by the softmaxed attention weights and summed over levels and
 * points, and only then multiplied by each head's rows of `value_proj` (its bias scaled by the sampled
 * ones channel = the in-bounds bilinear weight). Exact up to float rounding; the cost grows with N,
 * not with the map size. Parameters: `${prefix}.{sampling_offsets,attention_weights,value_proj,output_proj}`.
 * @returns `[K, N, C]`.
 */
export function decoderCrossAttention(g: GraphBuilder, stateDict: StateDict, prefix: string, inputs: DecoderCrossAttentionInputs, config: TaptrConfig): OnnxValue {
  const C = config.hiddenDim;
  const M = config.nheads;
  const P = config.decNPoints;
  const levels = featureLevelShapes(config);
  const L = levels.length;
  const Dh = C / M;
  requireParam(stateDict, `${prefix}.sampling_offsets.weight`, [M * L * P * 2, C]);
  requireParam(stateDict, `${prefix}.attention_weights.weight`, [M * L * P, C]);

  const offsets = g.reshape(linear(g, stateDict, `${prefix}.sampling_offsets`, inputs.query), [0, 0, M, L, P, 2]); // [K, N, M, L, P, 2]
  const logits = g.reshape(linear(g, stateDict, `${prefix}.attention_weights`, inputs.query), [0, 0, M, L * P]);
  const weights = g.reshape(g.softmax(logits, -1), [0, 0, M, L, P]); // [K, N, M, L, P]
  const ref = g.unsqueeze(inputs.referenceXY, [2, 3]); // [K, N, 1, 1, 2]

  let acc: OnnxValue | undefined;
  levels.forEach((level, l) => {
    const offsetL = g.squeeze(g.slice(offsets, [l], [l + 1], [3]), [3]); // [K, N, M, P, 2]
    const loc = g.add(ref, g.div(offsetL, g.constFloat(Float32Array.of(level.w, level.h), [2])));
    const grid = g.reshape(g.sub(g.mul(loc, g.constFloat(2)), g.constFloat(1)), [0, -1, P, 2]); // [K, N·M, P, 2]
    const sampled = g.gridSample(inputs.maps[l]!, grid, { mode: 'bilinear', paddingMode: 'zeros', alignCorners: false }); // [K, C+1, N·M, P]
    const weightL = g.unsqueeze(g.reshape(g.slice(weights, [l], [l + 1], [3]), [0, -1, P]), [1]); // [K, 1, N·M, P]
    const term = g.mul(sampled, weightL);
    acc = acc === undefined ? term : g.add(acc, term);
  });
  const pooled = g.reduceSum(acc!, [3], false); // [K, C+1, N·M]
  const perHead = g.unsqueeze(g.reshape(g.transpose(pooled, [0, 2, 1]), [0, -1, M, C + 1]), [3]); // [K, N, M, 1, C+1]

  // value_proj per head with its bias as an extra input row: [M, C+1, Dh].
  const w = requireParam(stateDict, `${prefix}.value_proj.weight`, [C, C]).data;
  const b = requireParam(stateDict, `${prefix}.value_proj.bias`, [C]).data;
  const headProj = new Float32Array(M * (C + 1) * Dh);
  for (let m = 0; m < M; m++)
    for (let d = 0; d < Dh; d++) {
      const o = m * Dh + d;
      for (let i = 0; i < C; i++) headProj[(m * (C + 1) + i) * Dh + d] = w[o * C + i]!;
      headProj[(m * (C + 1) + C) * Dh + d] = b[o]!;
    }
  const projected = g.matMul(perHead, g.initializer(tensor('float32', [M, C + 1, Dh], headProj), `${prefix}.value_proj.per_head`)); // [K, N, M, 1, Dh]
  const merged = g.reshape(projected, [0, 0, C]); // channel = m·Dh + d
  return linear(g, stateDict, `${prefix}.output_proj`, merged);
}
