// SPDX-License-Identifier: Apache-2.0
import { createGraphBuilder, type GraphBuilder, type OnnxValue } from '@taptr/onnx';
import { backboneChannels, featureLevelShapes, memoryTokens, type TaptrConfig } from '../config/taptr-config.js';
import { checkStateDict } from '../checkpoint/taptr-checkpoint.js';
import { describeValue, invalidArgument } from '@taptr/tensor';
import { resnet50Backbone } from './backbone.js';
import { groupNorm } from './blocks/group-norm.js';
import { layerNorm } from './blocks/layer-norm.js';
import { linear } from './blocks/linear.js';
import { msdaAttend, msdaValue } from './blocks/ms-deform-attn.js';
import { withSharedInitializers } from './blocks/shared-initializers.js';
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
  /**
   * Rows (memory tokens) per tile of the deformable encoder layers: the memory is split into row
   * tiles once and stays split through the layers (concatenated once, into `memory`); each layer
   * projects its values tile by tile into per-level values, then runs the sampling, the residual +
   * LayerNorm and the FFN tile by tile, so its largest transients are [tile, 2048] (FFN) and
   * [M·Dh, P, tile] (sampling) instead of [S, 2048] and [M·Dh, P, S] (178 MB and 89 MB at 512x512), and
   * no layer copies the whole [B, S, C] memory (no per-layer slicing or concatenation of it). Every
   * row is computed exactly as untiled (all of these ops are row-wise in the queries). `Infinity` =
   * one tile. Defaults to {@link DEFAULT_ENCODER_TILE_TOKENS}.
   */
  readonly tileTokens?: number;
}

/**
 * Default {@link FrameEncoderOptions.tileTokens}: the 21760 tokens of 512x512 run as 16 tiles of 1360,
 * whose FFN transient is 11 MB. Measured on the released configuration (2 threads, AVX-512): as fast
 * as untiled and as 8 tiles, and the session's arena 52 MB smaller than with 8 tiles (runtime-node README).
 */
export const DEFAULT_ENCODER_TILE_TOKENS = 1360;

/** Splits `total` rows into `ceil(total / tile)` tiles of near-equal size (in order). */
export function tileSizes(total: number, tile: number): number[] {
  if (!(tile >= 1))
    throw invalidArgument('range', 'buildFrameEncoder', 'options.tileTokens', 'a positive number of tokens (Infinity = one tile)', describeValue(tile));
  const count = Number.isFinite(tile) ? Math.max(1, Math.ceil(total / Math.floor(tile))) : 1;
  const base = Math.floor(total / count);
  return Array.from({ length: count }, (_, i) => base + (i < total - base * count ? 1 : 0));
}

/** Number of groups of the input projections' GroupNorm. */
const INPUT_PROJ_GROUPS = 32;

/**
 * Adds the G1 body to `g`: backbone (FrozenBN folded), input projections + GroupNorm(32), constant
 * positional + level embedding and reference points, deformable encoder layers (spec §3-§5).
 * @param image - [B, 3, R, R] normalized.
 * @returns memory [B, S, C] and the per-level intermediates.
 */
export function frameEncoderBody(
  graph: GraphBuilder,
  stateDict: StateDict,
  config: TaptrConfig,
  image: OnnxValue,
  tileTokens: number = DEFAULT_ENCODER_TILE_TOKENS,
): { memory: OnnxValue; backbone: OnnxValue[]; src: OnnxValue[] } {
  // The encoder layers' parameters are stored once, however many query tiles use them.
  const g = withSharedInitializers(graph, ['transformer.encoder.']);
  const C = config.hiddenDim;
  const levels = featureLevelShapes(config);
  const features = g.scope('backbone', () => resnet50Backbone(g, stateDict, 'backbone.0.body', image));
  const src = features.map((feature, l) =>
    g.scope(`input_proj.${l}`, () => {
      const conv = g.conv(
        feature,
        g.initializer(requireParam(stateDict, `input_proj.${l}.0.weight`, [C, backboneChannels(config)[l]!, 1, 1]), `input_proj.${l}.0.weight`),
        g.initializer(requireParam(stateDict, `input_proj.${l}.0.bias`, [C]), `input_proj.${l}.0.bias`),
      );
      return groupNorm(g, stateDict, `input_proj.${l}.1`, conv, INPUT_PROJ_GROUPS);
    }),
  );
  // [B, C, h, w] -> [B, C, hw] per level, concatenated -> [B, C, S] -> [B, S, C].
  const x0 = g.transpose(
    g.concat(
      src.map((s) => g.reshape(s, [0, C, -1])),
      2,
    ),
    [0, 2, 1],
  );
  const pos = g.scope('lvl_pos_embed', () =>
    levelPositionEmbeddingNode(g, levels, requireParam(stateDict, 'transformer.level_embed', [levels.length, C]), config.peTemperatureH, config.peTemperatureW),
  );
  const reference = g.initializer(encoderReferencePoints(levels), 'encoder_reference_points');
  const shape = { heads: config.nheads, points: config.encNPoints, levels };
  // The layers run on row tiles [B, S_i, C] that stay separate from layer to layer (split once, concatenated
  // once at the end): a tile's queries are its rows + the constant positional rows, its values come from all
  // tiles (msdaValue projects them tile by tile), so no layer copies the full [B, S, C] memory.
  const tiles = tileSizes(memoryTokens(config), tileTokens);
  // Row tiles with one Split per tensor: onnxruntime also folds a Split of a constant in one step (16 folded
  // Slices of the positional embedding cost ~100-200 MB of transient memory at session creation).
  const splitRows = (v: OnnxValue, axis: number): OnnxValue[] => (tiles.length === 1 ? [v] : g.split(v, tiles, axis));
  let x = splitRows(x0, 1);
  const posTiles = splitRows(pos, 0);
  const referenceTiles = splitRows(reference, 0);
  for (let i = 0; i < config.encLayers; i++) {
    const p = `transformer.encoder.layers.${i}`;
    const input = x;
    x = g.scope(`encoder.${i}`, () => {
      const value = msdaValue(g, stateDict, `${p}.self_attn`, input, tiles, shape);
      return input.map((rows, t) => {
        const query = g.add(rows, posTiles[t]!);
        const attended = msdaAttend(g, stateDict, `${p}.self_attn`, { query, reference: referenceTiles[t]!, referenceBatched: false }, value, shape);
        const y = layerNorm(g, stateDict, `${p}.norm1`, g.add(rows, attended));
        const ffn = linear(g, stateDict, `${p}.linear2`, g.relu(linear(g, stateDict, `${p}.linear1`, y)));
        return layerNorm(g, stateDict, `${p}.norm2`, g.add(y, ffn));
      });
    });
  }
  const memory = x.length === 1 ? x[0]! : g.concat(x, 1);
  return { memory, backbone: features, src };
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
  const { memory, backbone, src } = frameEncoderBody(g, stateDict, config, image, options.tileTokens);
  g.output(memory, FRAME_ENCODER_OUTPUT, 'float32', [B, memoryTokens(config), config.hiddenDim]);
  if (options.debugOutputs) {
    const levels = featureLevelShapes(config);
    const channels = backboneChannels(config);
    backbone.forEach((v, l) => g.output(v, `backbone_l${l}`, 'float32', [B, channels[l]!, levels[l]!.h, levels[l]!.w]));
    src.forEach((v, l) => g.output(v, `src_l${l}`, 'float32', [B, config.hiddenDim, levels[l]!.h, levels[l]!.w]));
  }
  return g.toModelBytes();
}
