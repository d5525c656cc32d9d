// SPDX-License-Identifier: Apache-2.0
import { backboneChannels, featureLevelShapes, memoryTokens, type TaptrConfig } from '../config/taptr-config.js';
import { checkStateDict } from '../checkpoint/taptr-checkpoint.js';
import { createGraphBuilder, type GraphBuilder, type OnnxValue } from '../onnx/graph-builder.js';
import { resnet50Backbone } from './backbone.js';
import { groupNorm } from './blocks/group-norm.js';
import { layerNorm } from './blocks/layer-norm.js';
import { linear } from './blocks/linear.js';
import { msDeformAttn } from './blocks/ms-deform-attn.js';
import { requireParam, type StateDict } from './blocks/state-dict.js';
import { encoderReferencePoints, levelPositionEmbeddingNode } from './position-embedding.js';

/** Graph name of G1. */
export const FRAME_ENCODER_GRAPH = 'frame_encoder';
/** G1 input: `image` float32 [B, 3, R, R], normalized with the ImageNet mean/std (spec §2). */
export const FRAME_ENCODER_INPUT = 'image';
/** G1 output: `memory` float32 [B, S, C] (S = Σ h_l·w_l, levels concatenated, row-major). */
export const FRAME_ENCODER_OUTPUT = 'memory';

/** Options of {@link buildFrameEncoder}. */
export interface FrameEncoderOptions {
  /** Batch dimension of `image`/`memory`: a fixed size or a symbolic name. Defaults to `'B'`. */
  readonly batch?: number | string;
  /**
   * Adds debug outputs `backbone_l{0..3}` [B, C_l, h_l, w_l] (ResNet stage outputs) and `src_l{0..3}`
   * [B, C, h_l, w_l] (input_proj outputs). Defaults to false.
   */
  readonly debugOutputs?: boolean;
}

/** Number of groups of the input projections' GroupNorm. */
const INPUT_PROJ_GROUPS = 32;

/**
 * Adds the G1 body to `g`: backbone (FrozenBN folded), input projections + GroupNorm(32), constant
 * positional + level embedding and reference points, deformable encoder layers (spec §3-§5).
 * @param image - [B, 3, R, R] normalized.
 * @returns memory [B, S, C] and the per-level intermediates.
 */
export function frameEncoderBody(g: GraphBuilder, stateDict: StateDict, config: TaptrConfig, image: OnnxValue): { memory: OnnxValue; backbone: OnnxValue[]; src: OnnxValue[] } {
  const C = config.hiddenDim;
  const levels = featureLevelShapes(config);
  const features = g.scope('backbone', () => resnet50Backbone(g, stateDict, 'backbone.0.body', image));
  const src = features.map((feature, l) =>
    g.scope(`input_proj.${l}`, () => {
      const conv = g.conv(feature, g.initializer(requireParam(stateDict, `input_proj.${l}.0.weight`, [C, backboneChannels(config)[l]!, 1, 1]), `input_proj.${l}.0.weight`), g.initializer(requireParam(stateDict, `input_proj.${l}.0.bias`, [C]), `input_proj.${l}.0.bias`));
      return groupNorm(g, stateDict, `input_proj.${l}.1`, conv, INPUT_PROJ_GROUPS);
    }),
  );
  // [B, C, h, w] -> [B, C, hw] per level, concatenated -> [B, C, S] -> [B, S, C].
  let x = g.transpose(g.concat(src.map((s) => g.reshape(s, [0, C, -1])), 2), [0, 2, 1]);
  const pos = g.scope('lvl_pos_embed', () => levelPositionEmbeddingNode(g, levels, requireParam(stateDict, 'transformer.level_embed', [levels.length, C]), config.peTemperatureH, config.peTemperatureW));
  const reference = g.initializer(encoderReferencePoints(levels), 'encoder_reference_points');
  for (let i = 0; i < config.encLayers; i++) {
    const p = `transformer.encoder.layers.${i}`;
    x = g.scope(`encoder.${i}`, () => {
      const attended = msDeformAttn(g, stateDict, `${p}.self_attn`, { query: g.add(x, pos), reference, referenceBatched: false, input: x }, { heads: config.nheads, points: config.encNPoints, levels });
      const y = layerNorm(g, stateDict, `${p}.norm1`, g.add(x, attended));
      const ffn = linear(g, stateDict, `${p}.linear2`, g.relu(linear(g, stateDict, `${p}.linear1`, y)));
      return layerNorm(g, stateDict, `${p}.norm2`, g.add(y, ffn));
    });
  }
  return { memory: x, backbone: features, src };
}

/**
 * Builds G1 `frame_encoder` (spec §13): input `image` float32 [B, 3, R, R] (normalized), output
 * `memory` float32 [B, S, C]; at the released configuration R = 512, S = 21760, C = 256.
 * The state dict is checked against the configuration first.
 * @throws TaptrError `TAPTR_CHECKPOINT_MISMATCH` for missing keys or wrong shapes.
 */
export function buildFrameEncoder(stateDict: StateDict, config: TaptrConfig, options: FrameEncoderOptions = {}): Uint8Array {
  checkStateDict(stateDict, config);
  const B = options.batch ?? 'B';
  const R = config.resolution;
  const g = createGraphBuilder({ name: FRAME_ENCODER_GRAPH });
  const image = g.input(FRAME_ENCODER_INPUT, 'float32', [B, 3, R, R]);
  const { memory, backbone, src } = frameEncoderBody(g, stateDict, config, image);
  g.output(memory, FRAME_ENCODER_OUTPUT, 'float32', [B, memoryTokens(config), config.hiddenDim]);
  if (options.debugOutputs) {
    const levels = featureLevelShapes(config);
    const channels = backboneChannels(config);
    backbone.forEach((v, l) => g.output(v, `backbone_l${l}`, 'float32', [B, channels[l]!, levels[l]!.h, levels[l]!.w]));
    src.forEach((v, l) => g.output(v, `src_l${l}`, 'float32', [B, config.hiddenDim, levels[l]!.h, levels[l]!.w]));
  }
  return g.toModelBytes();
}
