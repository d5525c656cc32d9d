// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { invalidArgument, tensor } from '@taptr/tensor';
import { linearWith } from './blocks/linear.js';
import { requireParam, type StateDict } from './blocks/state-dict.js';

/** Inputs of {@link pointSelfAttention}. */
export interface PointSelfAttentionInputs {
  /** Queries and keys `[K, N, C]` (content + query position). */
  readonly query: OnnxValue;
  /** Values `[K, N, C]`. */
  readonly value: OnnxValue;
  /** Bool mask `[K, N, N]` (True = may not attend), every row with at least one allowed entry. */
  readonly mask: OnnxValue;
}

/**
 * The decoder's point self-attention (spec §8 step 5): PyTorch `nn.MultiheadAttention` over the N
 * points of each of the K frames, queries = keys, with the state-dict keys of `multiHeadAttention`
 * (`${prefix}.in_proj_weight` [3C, C], `.in_proj_bias`, `.out_proj.*`) and the same operations, but
 * the scores, mask and softmax are computed one frame at a time: `[1, M, N, N]` instead of
 * `[K, M, N, N]` (20 MB instead of 164 MB per tensor at N = 800 for the released model, issue 9).
 * The projections run on all frames at once.
 * @param frames - K (static).
 * @returns `[K, N, C]`.
 */
export function pointSelfAttention(
  g: GraphBuilder,
  stateDict: StateDict,
  prefix: string,
  inputs: PointSelfAttentionInputs,
  heads: number,
  frames: number,
): OnnxValue {
  const inW = requireParam(stateDict, `${prefix}.in_proj_weight`);
  const [threeC, channels] = inW.dims as [number, number];
  if (threeC !== 3 * channels) throw invalidArgument('range', 'pointSelfAttention', `${prefix}.in_proj_weight`, 'of shape [3C, C]', `[${inW.dims.join(', ')}]`);
  if (!Number.isInteger(heads) || heads <= 0 || channels % heads !== 0) {
    throw invalidArgument('range', 'pointSelfAttention', 'heads', `a positive divisor of ${channels}`, String(heads));
  }
  const inB = requireParam(stateDict, `${prefix}.in_proj_bias`, [threeC]);
  const headDim = channels / heads;
  const rows = (i: number) => tensor('float32', [channels, channels], inW.data.slice(i * channels * channels, (i + 1) * channels * channels));
  const bias = (i: number) => tensor('float32', [channels], inB.data.slice(i * channels, (i + 1) * channels));
  const split = (x: OnnxValue) => g.transpose(g.reshape(x, [0, 0, heads, headDim]), [0, 2, 1, 3]); // [K, M, N, Dh]
  const q = split(linearWith(g, inputs.query, rows(0), bias(0), `${prefix}.q_proj`));
  const k = split(linearWith(g, inputs.query, rows(1), bias(1), `${prefix}.k_proj`));
  const v = split(linearWith(g, inputs.value, rows(2), bias(2), `${prefix}.v_proj`));
  const qScaled = g.div(q, g.constFloat(Math.fround(Math.sqrt(headDim))));
  const kT = g.transpose(k, [0, 1, 3, 2]); // [K, M, Dh, N]
  const mask = g.unsqueeze(inputs.mask, [1]); // [K, 1, N, N]
  const perFrame: OnnxValue[] = [];
  for (let t = 0; t < frames; t++) {
    const pick = (x: OnnxValue) => g.slice(x, [t], [t + 1], [0]);
    const scores = g.where(pick(mask), g.constFloat(-Infinity), g.matMul(pick(qScaled), pick(kT))); // [1, M, N, N]
    perFrame.push(g.matMul(g.softmax(scores, -1), pick(v))); // [1, M, N, Dh]
  }
  const merged = g.reshape(g.transpose(g.concat(perFrame, 0), [0, 2, 1, 3]), [0, 0, channels]);
  return linearWith(
    g,
    merged,
    requireParam(stateDict, `${prefix}.out_proj.weight`, [channels, channels]),
    requireParam(stateDict, `${prefix}.out_proj.bias`, [channels]),
    `${prefix}.out_proj`,
  );
}
