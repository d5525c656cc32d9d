// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { bilinearCornersOnnx } from '@taptr/ops/onnx';
import { tensor } from '@taptr/tensor';
import { featureLevelShapes, levelStartIndex, memoryTokens, type TaptrConfig } from '../config/index.js';
import { linear, transposeMatrix } from './blocks/linear.js';
import { requireParam, type StateDict } from './blocks/state-dict.js';

/**
 * How the decoder's deformable cross-attention reaches the memory:
 * - `'sample-first'`: gather the raw memory rows (C channels) at every head's bilinear corners,
 *   weight and sum them, then apply that head's rows of `value_proj` (its bias scaled by the summed
 *   weights). Cost and transient memory ∝ K·N·M·L·P·4·C: best for few points (N ≲ 64).
 *   (The correlation taps follow the same choice, see `correlationSource`.)
 * - `'project-first'`: `value_proj` of the whole window memory (as the official code; ∝ K·S·C² per
 *   layer; its bias is added after sampling, scaled by the summed weights), then gather each head's Dh
 *   channels at its corners, one frame at a time (transient K·S·C + N·M·L·P·4·Dh floats). Best for
 *   many points.
 * Both are exact up to float rounding.
 */
export type CrossAttentionMode = 'sample-first' | 'project-first';

/** Inputs of {@link decoderCrossAttention}. */
export interface DecoderCrossAttentionInputs {
  /** Queries `[K, N, C]` (content + query position). */
  readonly query: OnnxValue;
  /** Sigmoid-space reference (x, y) `[K, N, 2]`, the same for every level. */
  readonly referenceXY: OnnxValue;
  /** The window memory `[K, S, C]`. */
  readonly memory: OnnxValue;
}

/**
 * The decoder's deformable cross-attention (`MSDeformAttn`, spec §5.1 with `ignore_wh_inca`): frame t
 * attends to its own memory at `loc = r + Δ/(w_l, h_l)` with bilinear sampling (zeros padding,
 * align_corners=0), softmaxed attention weights over L·P per head, heads concatenated, `output_proj`.
 * The bilinear corners are gathered from the token-major memory (see {@link CrossAttentionMode}).
 * Parameters: `${prefix}.{sampling_offsets,attention_weights,value_proj,output_proj}`.
 * @returns `[K, N, C]`.
 */
export function decoderCrossAttention(
  g: GraphBuilder,
  stateDict: StateDict,
  prefix: string,
  inputs: DecoderCrossAttentionInputs,
  config: TaptrConfig,
  mode: CrossAttentionMode,
): OnnxValue {
  const K = config.slidingWindowSize;
  const C = config.hiddenDim;
  const M = config.nheads;
  const P = config.decNPoints;
  const S = memoryTokens(config);
  const levels = featureLevelShapes(config);
  const starts = levelStartIndex(config);
  const L = levels.length;
  const Dh = C / M;
  requireParam(stateDict, `${prefix}.sampling_offsets.weight`, [M * L * P * 2, C]);
  requireParam(stateDict, `${prefix}.attention_weights.weight`, [M * L * P, C]);

  const offsets = g.reshape(linear(g, stateDict, `${prefix}.sampling_offsets`, inputs.query), [0, 0, M, L, P, 2]); // [K, N, M, L, P, 2]
  const logits = g.reshape(linear(g, stateDict, `${prefix}.attention_weights`, inputs.query), [0, 0, M, L * P]);
  const attention = g.reshape(g.softmax(logits, -1), [0, 0, M, L, P]); // [K, N, M, L, P]
  const ref = g.unsqueeze(inputs.referenceXY, [2, 3, 4]); // [K, N, 1, 1, 1, 2]

  // All levels at once: per-level sizes broadcast along the L axis of [K, N, M, L, P, (2)].
  const size = g.constFloat(Float32Array.from(levels.flatMap((l) => [l.w, l.h])), [L, 1, 2]);
  const loc = g.add(ref, g.div(offsets, size));
  // grid_sample(align_corners=0) on grid 2·loc − 1: pixel = ((grid + 1)·size − 1) / 2.
  const grid = g.sub(g.mul(loc, g.constFloat(2)), g.constFloat(1));
  const pixel = g.div(g.sub(g.mul(g.add(grid, g.constFloat(1)), size), g.constFloat(1)), g.constFloat(2));
  const u = g.squeeze(g.slice(pixel, [0], [1], [5]), [5]);
  const v = g.squeeze(g.slice(pixel, [1], [2], [5]), [5]);
  const corners = bilinearCornersOnnx(g, u, v, levels, [L, 1], 'zeros'); // [K, N, M, L, P, 4]
  const levelStart = g.constInt64(starts.slice(0, L), [L, 1, 1]);
  const tokens = g.reshape(g.add(corners.index, levelStart), [0, 0, M, L * P * 4]); // [K, N, M, L·P·4] rows of one frame's [S, ·]
  const weight = g.unsqueeze(g.reshape(g.mul(corners.weight, g.unsqueeze(attention, [5])), [0, 0, M, L * P * 4]), [3]); // [K, N, M, 1, L·P·4]

  let heads: OnnxValue; // [K, N, M, 1, Dh]
  if (mode === 'sample-first') {
    const frameOffset = g.constInt64(
      Array.from({ length: K }, (_, t) => t * S),
      [K, 1, 1, 1],
    );
    const rows = g.gather(g.reshape(inputs.memory, [-1, C]), g.add(tokens, frameOffset), 0); // [K, N, M, L·P·4, C]
    const pooled = g.concat([g.matMul(weight, rows), g.reduceSum(weight, [4], true)], 4); // [K, N, M, 1, C+1]
    const w = requireParam(stateDict, `${prefix}.value_proj.weight`, [C, C]).data;
    const b = requireParam(stateDict, `${prefix}.value_proj.bias`, [C]).data;
    const headProj = new Float32Array(M * (C + 1) * Dh);
    for (let m = 0; m < M; m++)
      for (let d = 0; d < Dh; d++) {
        const o = m * Dh + d;
        for (let i = 0; i < C; i++) headProj[(m * (C + 1) + i) * Dh + d] = w[o * C + i]!;
        headProj[(m * (C + 1) + C) * Dh + d] = b[o]!;
      }
    heads = g.matMul(pooled, g.initializer(tensor('float32', [M, C + 1, Dh], headProj), `${prefix}.value_proj.per_head`));
  } else {
    // value_proj of the whole window memory [K·S, C] without its bias (added after sampling, scaled by
    // each head's summed weights: zero padding gives out-of-map corners weight 0, as in sample-first),
    // then each head's Dh channels gathered at the corners one frame at a time (issue 9): a frame's
    // gather [1, N, M, L·P·4, Dh] is consumed by its MatMul before the next one is made, so the whole
    // window's gathers (420 MB per layer at N = 800 for the released model) are never held at once.
    const w = requireParam(stateDict, `${prefix}.value_proj.weight`, [C, C]);
    const b = requireParam(stateDict, `${prefix}.value_proj.bias`, [C]);
    const values = g.reshape(g.matMul(inputs.memory, g.initializer(transposeMatrix(w), `${prefix}.value_proj.weight_t`)), [-1, Dh]); // [K·S·M, Dh]
    const headIndex = g.constInt64(
      Array.from({ length: M }, (_, m) => m),
      [1, 1, M, 1],
    );
    const frameOffset = g.constInt64(
      Array.from({ length: K }, (_, t) => t * S * M),
      [K, 1, 1, 1],
    );
    const rowsOf = g.add(g.add(g.mul(tokens, g.constInt64(M)), headIndex), frameOffset); // [K, N, M, L·P·4] rows of values
    const frames: OnnxValue[] = [];
    for (let t = 0; t < K; t++) {
      const pick = (x: OnnxValue) => g.slice(x, [t], [t + 1], [0]);
      frames.push(g.matMul(pick(weight), g.gather(values, pick(rowsOf), 0))); // [1, N, M, 1, Dh]
    }
    const bias = g.mul(g.reduceSum(weight, [4], true), g.initializer(tensor('float32', [M, 1, Dh], b.data), `${prefix}.value_proj.bias_per_head`));
    heads = g.add(g.concat(frames, 0), bias);
  }
  return linear(g, stateDict, `${prefix}.output_proj`, g.reshape(heads, [0, 0, C])); // channel = m·Dh + d
}
