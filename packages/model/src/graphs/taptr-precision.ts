// SPDX-License-Identifier: Apache-2.0
import {
  quantizeDynamic,
  storeFloat16Weights,
  type Float16Candidate,
  type Float16WeightsOptions,
  type QuantizeCandidate,
  type QuantizeDynamicOptions,
} from '@taptr/onnx';
import { describeValue, invalidArgument } from '@taptr/tensor';
import { TAPTR_GRAPH_ROLES, TAPTR_OPTIONAL_GRAPH_ROLES, type TaptrGraphRole, type TaptrGraphs, type TaptrOptionalGraphRole } from '../format/graph-roles.js';
import { isTaptrPrecision, TAPTR_PRECISIONS, type TaptrInt8Weights, type TaptrPrecision } from '../format/taptr-precision.js';

/**
 * Which dense layers the `int8` variant quantizes, per graph:
 * - `frameEncoder`: every constant-weight MatMul of the deformable encoder (value/output projections,
 *   attention weights, FFN) except `sampling_offsets`, whose output is a sub-pixel offset (an int8 error
 *   there moves every sample). The backbone and input-projection convolutions stay float32: on AVX2
 *   without VNNI onnxruntime's `ConvInteger` (u8u8 im2col GEMM, unfused Cast/Mul/Add) is slower than its
 *   fp32 NCHWc convolution (measured, package README).
 * - `decoderWindow`: only the cross-attention `value_proj`, the one dense layer that runs on the whole
 *   window memory [K, S, C]; every other layer runs on N point rows, where quantizing saves nothing and
 *   costs accuracy (sampling offsets, box and visibility heads).
 * - `queryInit` and `decoderWindowSampleFirst` (the few-points decoder, which applies `value_proj`
 *   after sampling, on N rows): nothing.
 *
 * Weights are uint8 (u8u8) by default: onnxruntime's u8s8 kernels on AVX2 without VNNI add pairs of
 * u8·s8 products in int16 (`vpmaddubsw`) and saturate, which on the reference model moved the tracks
 * by 1.5 px on average (13.8 px max on a 96-pixel video) against 0.14 px with uint8 weights; 7-bit int8
 * weights (`reduceRange`) avoid the saturation but deviate more on a real video (package README).
 * `weights: 'int8'` (u8s8) is for CPUs with VNNI (AVX-512 VNNI, AVX-VNNI), whose `vpdpbusd` adds the
 * products in int32 and cannot saturate; there u8s8 is the faster kernel (issue 15;
 * `@taptr/runtime-node`'s `int8WeightsForCpu` picks by the CPU).
 */
export function taptrInt8Options(role: TaptrGraphRole | TaptrOptionalGraphRole, weights: TaptrInt8Weights = 'uint8'): QuantizeDynamicOptions | undefined {
  if (weights !== 'uint8' && weights !== 'int8') throw invalidArgument('range', 'taptrInt8Options', 'weights', "'uint8' or 'int8'", describeValue(weights));
  if (role === 'frameEncoder') return { opTypes: ['MatMul'], weightType: weights, include: (c: QuantizeCandidate) => !c.weight.includes('sampling_offsets') };
  if (role === 'decoderWindow')
    return { opTypes: ['MatMul'], weightType: weights, include: (c: QuantizeCandidate) => c.weight.includes('cross_attn.value_proj') };
  return undefined;
}

/** Options of {@link applyTaptrPrecision}. */
export interface TaptrPrecisionOptions {
  /**
   * Weight type of the `int8` variant (see {@link taptrInt8Options}): `'uint8'` (default, safe on every
   * CPU) or `'int8'` (u8s8: only for CPUs with VNNI, where it is faster; it saturates on AVX2 without VNNI).
   */
  readonly int8Weights?: TaptrInt8Weights;
}

/**
 * Which initializers the `fp16-weights` variant stores as float16: all float32 initializers of 16 or
 * more elements except the backbone stem (`body.conv1`) and `layer1` (≈1% of the ResNet-50 weights).
 * Those see the raw image, and with FrozenBatchNorm folded into them (`scale = γ/√(var+ε)`, bias
 * `β − μ·scale`) their float16 rounding is amplified the most: on the reference model they make 80% of
 * the memory deviation (1.0% relative RMS with them in float16, 0.28% without; package README).
 */
export function taptrFloat16Options(): Float16WeightsOptions {
  return { include: (c: Float16Candidate) => !/body\.conv1\.|body\.layer1\./.test(c.name) };
}

/**
 * Returns the graphs in the given numeric variant (a pure transform of the fp32 graphs of
 * `buildTaptrGraphs`; `fp32` returns `graphs` itself). Inputs and outputs are unchanged, so the
 * tracker runs any variant as is. The `int8` graphs carry `int8Weights` (the weight type written).
 * @throws RangeError for an unknown precision.
 */
export function applyTaptrPrecision(graphs: TaptrGraphs, precision: TaptrPrecision, options: TaptrPrecisionOptions = {}): TaptrGraphs {
  if (!isTaptrPrecision(precision))
    throw invalidArgument('range', 'applyTaptrPrecision', 'precision', TAPTR_PRECISIONS.map((p) => `'${p}'`).join(', '), describeValue(precision));
  if (precision === 'fp32') return graphs;
  const transform = (model: Uint8Array, role: TaptrGraphRole | TaptrOptionalGraphRole): Uint8Array => {
    if (precision === 'fp16-weights') return storeFloat16Weights(model, taptrFloat16Options()).model;
    const int8 = taptrInt8Options(role, options.int8Weights);
    return int8 === undefined ? model : quantizeDynamic(model, int8).model;
  };
  const { int8Weights: _, ...rest } = graphs;
  const out: { -readonly [K in keyof TaptrGraphs]: TaptrGraphs[K] } = {
    ...rest,
    ...(precision === 'int8' ? { int8Weights: options.int8Weights ?? 'uint8' } : {}),
  };
  for (const role of TAPTR_GRAPH_ROLES) out[role] = transform(graphs[role], role);
  for (const role of TAPTR_OPTIONAL_GRAPH_ROLES) {
    const model = graphs[role];
    if (model !== undefined) out[role] = transform(model, role);
  }
  return out;
}
