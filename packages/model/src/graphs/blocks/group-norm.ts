// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { invalidArgument, tensor, type TensorView } from '@taptr/tensor';
import { requireParam, type StateDict } from './state-dict.js';

/**
 * PyTorch `GroupNorm(groups, C)` with affine `weight`/`bias` [C] on x [B, C, H, W] (any B, H, W):
 * reshape to [B, groups, C/groups·H·W], InstanceNormalization (unit scale, zero bias), reshape back,
 * then per-channel affine.
 */
export function groupNormWith(
  g: GraphBuilder,
  x: OnnxValue,
  weight: TensorView<'float32'>,
  bias: TensorView<'float32'>,
  groups: number,
  epsilon = 1e-5,
  hint = 'group_norm',
): OnnxValue {
  const channels = weight.dims[0]!;
  if (!Number.isInteger(groups) || groups <= 0 || channels % groups !== 0) {
    throw invalidArgument('range', 'groupNorm', 'groups', `a positive divisor of ${channels}`, String(groups));
  }
  const grouped = g.reshape(x, [0, groups, -1]);
  const ones = g.initializer(tensor('float32', [groups], new Float32Array(groups).fill(1)), `${hint}.unit_scale`);
  const zeros = g.initializer(tensor('float32', [groups], new Float32Array(groups)), `${hint}.zero_bias`);
  const normalized = g.reshape(g.instanceNormalization(grouped, ones, zeros, epsilon), g.shape(x));
  const gamma = g.initializer(tensor('float32', [channels, 1, 1], weight.data), `${hint}.weight`);
  const beta = g.initializer(tensor('float32', [channels, 1, 1], bias.data), `${hint}.bias`);
  return g.add(g.mul(normalized, gamma), beta);
}

/** {@link groupNormWith} with `${prefix}.weight` / `${prefix}.bias` from the state dict. */
export function groupNorm(g: GraphBuilder, stateDict: StateDict, prefix: string, x: OnnxValue, groups: number, epsilon = 1e-5): OnnxValue {
  const weight = requireParam(stateDict, `${prefix}.weight`);
  const bias = requireParam(stateDict, `${prefix}.bias`, weight.dims);
  return groupNormWith(g, x, weight, bias, groups, epsilon, prefix);
}
