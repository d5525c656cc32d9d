// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { linear } from './linear.js';
import type { StateDict } from './state-dict.js';

/**
 * `nn.Sequential(Linear, ReLU, Linear)` with keys `${prefix}.0.*` and `${prefix}.2.*` (spec "MLP2"):
 * x [..., a] -> [..., c].
 */
export function mlp2(g: GraphBuilder, stateDict: StateDict, prefix: string, x: OnnxValue): OnnxValue {
  return linear(g, stateDict, `${prefix}.2`, g.relu(linear(g, stateDict, `${prefix}.0`, x)));
}

/**
 * DETR `MLP` with `numLayers` Linear layers `${prefix}.layers.{0..numLayers-1}` and ReLU between
 * them (none after the last): x [..., in] -> [..., out]. `ref_point_head` is a 2-layer one.
 */
export function detrMlp(g: GraphBuilder, stateDict: StateDict, prefix: string, x: OnnxValue, numLayers: number): OnnxValue {
  let y = x;
  for (let i = 0; i < numLayers; i++) {
    y = linear(g, stateDict, `${prefix}.layers.${i}`, y);
    if (i < numLayers - 1) y = g.relu(y);
  }
  return y;
}

/** DETR `MLP` with 3 layers (spec "MLP3", keys `${prefix}.layers.0/1/2`): x [..., in] -> [..., out]. */
export function mlp3(g: GraphBuilder, stateDict: StateDict, prefix: string, x: OnnxValue): OnnxValue {
  return detrMlp(g, stateDict, prefix, x, 3);
}
