// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import { tensor, type TensorView } from '@taptr/tensor';
import { requireParam, type StateDict } from './blocks/state-dict.js';
import { RESNET50_BLOCKS } from '../checkpoint/state-dict-layout.js';

/** FrozenBatchNorm2d epsilon (added before the rsqrt). */
const FROZEN_BN_EPS = 1e-5;

/**
 * Folds a FrozenBatchNorm2d (`${bn}.weight/bias/running_mean/running_var`) into the preceding
 * bias-free conv `${conv}.weight` [O, I, kh, kw]: s = γ/√(var + 1e-5), W' = W·s, b' = β − μ·s
 * (computed in float64, stored float32).
 */
export function foldFrozenBatchNorm(stateDict: StateDict, conv: string, bn: string): { weight: TensorView<'float32'>; bias: TensorView<'float32'> } {
  const w = requireParam(stateDict, `${conv}.weight`);
  const out = w.dims[0]!;
  const gamma = requireParam(stateDict, `${bn}.weight`, [out]).data;
  const beta = requireParam(stateDict, `${bn}.bias`, [out]).data;
  const mean = requireParam(stateDict, `${bn}.running_mean`, [out]).data;
  const variance = requireParam(stateDict, `${bn}.running_var`, [out]).data;
  const per = w.data.length / out;
  const weight = new Float32Array(w.data.length);
  const bias = new Float32Array(out);
  for (let o = 0; o < out; o++) {
    const s = Math.fround(gamma[o]! * (1 / Math.sqrt(Math.fround(variance[o]! + FROZEN_BN_EPS))));
    for (let k = 0; k < per; k++) weight[o * per + k] = w.data[o * per + k]! * s;
    bias[o] = beta[o]! - mean[o]! * s;
  }
  return { weight: tensor('float32', w.dims, weight), bias: tensor('float32', [out], bias) };
}

function convBn(g: GraphBuilder, stateDict: StateDict, x: OnnxValue, conv: string, bn: string, stride: number, pad: number): OnnxValue {
  const { weight, bias } = foldFrozenBatchNorm(stateDict, conv, bn);
  return g.conv(x, g.initializer(weight, `${conv}.weight_folded`), g.initializer(bias, `${conv}.bias_folded`), {
    strides: [stride, stride],
    pads: [pad, pad, pad, pad],
  });
}

/**
 * torchvision ResNet-50 (v1.5, blocks [3, 4, 6, 3]) body with every FrozenBatchNorm2d folded into its
 * conv (spec §3), keys `${prefix}.conv1`, `${prefix}.bn1`, `${prefix}.layer{1..4}.{b}.*`.
 * @param image - [B, 3, R, R].
 * @returns the outputs of layer1..layer4: [B, 4w, R/4, R/4], [B, 8w, R/8, R/8], [B, 16w, R/16, R/16],
 *   [B, 32w, R/32, R/32] (w = stem width).
 */
export function resnet50Backbone(g: GraphBuilder, stateDict: StateDict, prefix: string, image: OnnxValue): OnnxValue[] {
  let x = g.relu(convBn(g, stateDict, image, `${prefix}.conv1`, `${prefix}.bn1`, 2, 3));
  x = g.maxPool(x, [3, 3], { strides: [2, 2], pads: [1, 1, 1, 1] });
  const outputs: OnnxValue[] = [];
  RESNET50_BLOCKS.forEach((blocks, stage) => {
    for (let b = 0; b < blocks; b++) {
      const p = `${prefix}.layer${stage + 1}.${b}`;
      const stride = b === 0 && stage > 0 ? 2 : 1;
      x = g.scope(`layer${stage + 1}.${b}`, () => {
        let y = g.relu(convBn(g, stateDict, x, `${p}.conv1`, `${p}.bn1`, 1, 0));
        y = g.relu(convBn(g, stateDict, y, `${p}.conv2`, `${p}.bn2`, stride, 1));
        y = convBn(g, stateDict, y, `${p}.conv3`, `${p}.bn3`, 1, 0);
        const identity = b === 0 ? convBn(g, stateDict, x, `${p}.downsample.0`, `${p}.downsample.1`, stride, 0) : x;
        return g.relu(g.add(y, identity));
      });
    }
    outputs.push(x);
  });
  return outputs;
}
