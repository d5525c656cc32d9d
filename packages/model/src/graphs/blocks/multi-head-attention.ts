// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { invalidArgument, tensor } from '@taptr/tensor';
import { linearWith } from './linear.js';
import { requireParam, type StateDict } from './state-dict.js';

/** Inputs of {@link multiHeadAttention}. Batch-first: every tensor is [Bt, L, C] (Bt and L may be symbolic). */
export interface AttentionInputs {
  /** Queries [Bt, L, C]. */
  readonly query: OnnxValue;
  /** Keys [Bt, L, C]. */
  readonly key: OnnxValue;
  /** Values [Bt, L, C]. */
  readonly value: OnnxValue;
  /**
   * Optional bool mask [Bt, L, L] (True = may not attend: score -> -inf before the softmax), the same
   * for every head. Every row must keep at least one allowed entry.
   */
  readonly mask?: OnnxValue;
}

/**
 * PyTorch `nn.MultiheadAttention` (batch-first view) with the state-dict keys
 * `${prefix}.in_proj_weight` [3C, C] = [W_q; W_k; W_v], `${prefix}.in_proj_bias` [3C],
 * `${prefix}.out_proj.weight` [C, C], `${prefix}.out_proj.bias` [C]. Per head h (Dh = C/heads):
 * softmax((q_h/√Dh)·k_hᵀ, masked -> -inf)·v_h, heads concatenated (channel = h·Dh + d), out_proj.
 * Returns [Bt, L, C].
 */
export function multiHeadAttention(g: GraphBuilder, stateDict: StateDict, prefix: string, inputs: AttentionInputs, heads: number): OnnxValue {
  const inW = requireParam(stateDict, `${prefix}.in_proj_weight`);
  const [threeC, channels] = inW.dims as [number, number];
  if (threeC !== 3 * channels) throw invalidArgument('range', 'multiHeadAttention', `${prefix}.in_proj_weight`, 'of shape [3C, C]', `[${inW.dims.join(', ')}]`);
  if (!Number.isInteger(heads) || heads <= 0 || channels % heads !== 0) {
    throw invalidArgument('range', 'multiHeadAttention', 'heads', `a positive divisor of ${channels}`, String(heads));
  }
  const inB = requireParam(stateDict, `${prefix}.in_proj_bias`, [threeC]);
  const headDim = channels / heads;
  const rows = (i: number) => tensor('float32', [channels, channels], inW.data.slice(i * channels * channels, (i + 1) * channels * channels));
  const bias = (i: number) => tensor('float32', [channels], inB.data.slice(i * channels, (i + 1) * channels));
  const split = (x: OnnxValue) => g.transpose(g.reshape(x, [0, 0, heads, headDim]), [0, 2, 1, 3]); // [Bt, M, L, Dh]
  const q = split(linearWith(g, inputs.query, rows(0), bias(0), `${prefix}.q_proj`));
  const k = split(linearWith(g, inputs.key, rows(1), bias(1), `${prefix}.k_proj`));
  const v = split(linearWith(g, inputs.value, rows(2), bias(2), `${prefix}.v_proj`));
  const qScaled = g.div(q, g.constFloat(Math.fround(Math.sqrt(headDim))));
  let scores = g.matMul(qScaled, g.transpose(k, [0, 1, 3, 2])); // [Bt, M, L, L]
  if (inputs.mask !== undefined) {
    scores = g.where(g.unsqueeze(inputs.mask, [1]), g.constFloat(-Infinity), scores);
  }
  const attended = g.matMul(g.softmax(scores, -1), v); // [Bt, M, L, Dh]
  const merged = g.reshape(g.transpose(attended, [0, 2, 1, 3]), [0, 0, channels]);
  return linearWith(
    g,
    merged,
    requireParam(stateDict, `${prefix}.out_proj.weight`, [channels, channels]),
    requireParam(stateDict, `${prefix}.out_proj.bias`, [channels]),
    `${prefix}.out_proj`,
  );
}
