// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { invalidArgument, tensor, type TensorView } from '@taptr/tensor';
import { requireParam, type StateDict } from './state-dict.js';

/** Transposes a row-major [rows, cols] float32 matrix to [cols, rows]. */
export function transposeMatrix(view: TensorView<'float32'>): TensorView<'float32'> {
  if (view.dims.length !== 2) throw invalidArgument('range', 'transposeMatrix', 'view', 'a 2-D tensor', `[${view.dims.join(', ')}]`);
  const [rows, cols] = view.dims as [number, number];
  const out = new Float32Array(rows * cols);
  const src = view.data;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c]!;
  return tensor('float32', [cols, rows], out);
}

/**
 * PyTorch `Linear`: `x · Wᵀ + b` over the last axis, x [..., in] -> [..., out], with `weight` in the
 * PyTorch layout [out, in] (transposed once at build time into a MatMul initializer [in, out]) and
 * `bias` [out].
 */
export function linearWith(g: GraphBuilder, x: OnnxValue, weight: TensorView<'float32'>, bias?: TensorView<'float32'>, hint = 'linear'): OnnxValue {
  const w = g.initializer(transposeMatrix(weight), `${hint}.weight_t`);
  const y = g.matMul(x, w);
  return bias === undefined ? y : g.add(y, g.initializer(bias, `${hint}.bias`));
}

/**
 * `Linear` with the state-dict parameters `${prefix}.weight` [out, in] and `${prefix}.bias` [out]
 * (bias optional when `hasBias` is false). x [..., in] -> [..., out].
 */
export function linear(g: GraphBuilder, stateDict: StateDict, prefix: string, x: OnnxValue, hasBias = true): OnnxValue {
  const weight = requireParam(stateDict, `${prefix}.weight`);
  const bias = hasBias ? requireParam(stateDict, `${prefix}.bias`, [weight.dims[0]!]) : undefined;
  return linearWith(g, x, weight, bias, prefix);
}
