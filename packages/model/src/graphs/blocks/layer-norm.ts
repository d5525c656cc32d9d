// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { requireParam, type StateDict } from './state-dict.js';

/**
 * PyTorch `LayerNorm` over the last axis (LayerNormalization, opset 17) with `${prefix}.weight` and
 * `${prefix}.bias` [C]: x [..., C] -> [..., C].
 */
export function layerNorm(g: GraphBuilder, stateDict: StateDict, prefix: string, x: OnnxValue, epsilon = 1e-5): OnnxValue {
  const weight = requireParam(stateDict, `${prefix}.weight`);
  const bias = requireParam(stateDict, `${prefix}.bias`, weight.dims);
  return g.layerNormalization(x, g.initializer(weight, `${prefix}.weight`), g.initializer(bias, `${prefix}.bias`), { epsilon });
}
