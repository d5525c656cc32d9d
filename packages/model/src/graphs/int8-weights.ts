// SPDX-License-Identifier: Apache-2.0
import { setInt8WeightType } from '@taptr/onnx';
import { describeValue, invalidArgument, isTaptrError, TaptrError } from '@taptr/tensor';
import { TAPTR_GRAPH_ROLES, TAPTR_OPTIONAL_GRAPH_ROLES, type TaptrGraphs } from '../format/graph-roles.js';
import { isTaptrInt8Weights, TAPTR_INT8_WEIGHTS, type TaptrInt8Weights } from '../format/taptr-precision.js';

/**
 * Returns the `int8` graphs with their quantized MatMul weights (and zero points) of element type
 * `weights` (`setInt8WeightType` of `@taptr/onnx` on each graph): `'int8'` (u8s8, faster on CPUs with
 * VNNI) or `'uint8'` (u8u8, safe on every CPU; see {@link TaptrInt8Weights}). Exact: `int8 = uint8 −
 * 128`, so the weights the kernels compute with, and the graphs' inputs, outputs and signatures, are
 * unchanged; only onnxruntime's choice of kernel is. The convolutions are never switched. Returns
 * `graphs` itself when `graphs.int8Weights` already is `weights`; otherwise new graphs with
 * `int8Weights` set (graphs without quantized layers, `queryInit` and the few-points decoder, are
 * kept as they are). Takes ≈ one decode and encode of each quantized graph (the released int8 frame
 * encoder: package README).
 * @param weights - the weight type wanted.
 * @throws TypeError when `graphs` has no frame encoder bytes; RangeError for an unknown `weights`.
 * @throws TaptrError `TAPTR_CONFIG_INVALID` when the graphs are not the `int8` variant (the frame
 *   encoder has no quantized MatMul) or a graph is malformed (naming the role).
 */
export function withInt8Weights(graphs: TaptrGraphs, weights: TaptrInt8Weights): TaptrGraphs {
  const fn = 'withInt8Weights';
  if (typeof graphs !== 'object' || graphs === null || !(graphs.frameEncoder instanceof Uint8Array))
    throw invalidArgument('type', fn, 'graphs', 'TAPTR graphs (TaptrGraphs)', describeValue(graphs));
  if (!isTaptrInt8Weights(weights)) throw invalidArgument('range', fn, 'weights', TAPTR_INT8_WEIGHTS.map((w) => `'${w}'`).join(' or '), describeValue(weights));
  if (graphs.int8Weights === weights) return graphs;
  const out: { -readonly [K in keyof TaptrGraphs]: TaptrGraphs[K] } = { ...graphs, int8Weights: weights };
  for (const role of [...TAPTR_GRAPH_ROLES, ...TAPTR_OPTIONAL_GRAPH_ROLES]) {
    const model = graphs[role];
    if (model === undefined) continue;
    try {
      out[role] = setInt8WeightType(model, weights, { ifNone: role === 'frameEncoder' ? 'throw' : 'keep' }).model;
    } catch (error) {
      if (!isTaptrError(error)) throw error;
      const detail = error.message.replace(/^setInt8WeightType: /, '');
      const what = role === 'frameEncoder' && detail.includes('no quantized MatMul weight') ? 'the graphs are not the int8 variant: ' : '';
      throw new TaptrError(error.code, `${fn}: ${what}${role}: ${detail}`, { cause: error });
    }
  }
  return out;
}
