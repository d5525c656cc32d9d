// SPDX-License-Identifier: Apache-2.0
import { tensor } from '@taptr/tensor';
import { featureLevelShapes, levelStartIndex, memoryTokens, type TaptrConfig } from '../config/index.js';
import type { GraphBuilder, OnnxValue } from '../onnx/graph-builder.js';

/**
 * The window's memory as per-level channel-first maps with an extra all-ones channel, built once per
 * window and shared by the correlation taps and the deformable cross-attention of every layer.
 *
 * Sampling a map bilinearly gives, in channel C, the sum of the bilinear weights that fell inside the
 * map (1 with border padding; less near the edges with zero padding): this is what a Linear's bias
 * contributes when the Linear is applied after the sampling ("sample first, then project", spec §13
 * optional exact optimisations).
 * @param memory - `[K, S, C]`.
 * @returns one `[K, C+1, h_l, w_l]` map per level.
 */
export function memoryLevelMaps(g: GraphBuilder, memory: OnnxValue, config: TaptrConfig): OnnxValue[] {
  const K = config.slidingWindowSize;
  const C = config.hiddenDim;
  const S = memoryTokens(config);
  const starts = levelStartIndex(config);
  const ones = g.op('ConstantOfShape', [g.constInt64([K, 1, S])], { value: tensor('float32', [1], Float32Array.of(1)) });
  const channelFirst = g.concat([g.transpose(memory, [0, 2, 1]), ones], 1); // [K, C+1, S]
  return featureLevelShapes(config).map((level, l) => {
    const start = starts[l]!;
    return g.reshape(g.slice(channelFirst, [start], [start + level.h * level.w], [2]), [K, C + 1, level.h, level.w]);
  });
}
