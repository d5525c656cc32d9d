// SPDX-License-Identifier: Apache-2.0
import type { GraphBuilder, OnnxValue } from '@taptr/onnx';
import type { CostVolumeOnnxSource } from '@taptr/ops/onnx';
import type { TaptrConfig } from '../config/index.js';
import { layerNorm } from './blocks/layer-norm.js';
import { linear } from './blocks/linear.js';
import { detrMlp, mlp2, mlp3 } from './blocks/mlp.js';
import { multiHeadAttention } from './blocks/multi-head-attention.js';
import type { StateDict } from './blocks/state-dict.js';
import { sampleCorrelation } from './corr-sampling.js';
import { decoderCrossAttention, type CrossAttentionMode } from './decoder-cross-attention.js';
import { pointSelfAttention } from './decoder-point-attention.js';
import { sineEmbedding4 } from './decoder-sine-embedding.js';
import { inverseSigmoid } from './query-init.js';

/** Per-window values shared by every decoder layer. */
export interface DecoderWindowContext {
  /** Window input content X⁰ `[K, N, C]` (also X_init of the query updater). */
  readonly initial: OnnxValue;
  /** The window memory `[K, S, C]`. */
  readonly memory: OnnxValue;
  /** Where the correlation taps are read (the memory with the keys, or the precomputed volume). */
  readonly correlation: CostVolumeOnnxSource;
  /** How the cross-attention reaches the memory. */
  readonly crossAttention: CrossAttentionMode;
  /** Temporal self-attention mask `[N, K, K]` bool (True = blocked). */
  readonly temporalMask: OnnxValue;
  /** Point self-attention mask `[K, N, N]` bool (True = blocked). */
  readonly pointMask: OnnxValue;
  /** Update mask as float `[K, N, 1]` (1 = the location may change). */
  readonly update: OnnxValue;
}

/** State flowing from one decoder layer to the next. */
export interface DecoderLayerState {
  /** Content X `[K, N, C]`. */
  readonly content: OnnxValue;
  /** Sigmoid-space reference R `[K, N, 4]`. */
  readonly reference: OnnxValue;
}

/** Everything a decoder layer computes (the debug outputs are taken from here). */
export interface DecoderLayerResult extends DecoderLayerState {
  /** Content after the query update, before the correlation fusion `[K, N, C]`. */
  readonly layerIn: OnnxValue;
  /** Query position `[K, N, C]`. */
  readonly queryPos: OnnxValue;
  /** Correlation features `[K, N, L·49]`. */
  readonly corr: OnnxValue;
  /** Location logits ℓ_k `[K, N, 4]`. */
  readonly locationLogits: OnnxValue;
  /** Visibility logits v_k `[K, N, 3]`. */
  readonly visibilityLogits: OnnxValue;
}

/**
 * One TAPTR decoder layer (spec §8 steps 1-10, `DeformableTransformerDecoderLayer` with the module
 * sequence tsa, sa, ca, ffn): query position from the 4-d sine embedding, mlp_delta query update,
 * correlation fusion, temporal and point self-attention with the XOR masks, deformable
 * cross-attention into the frame's own memory, FFN (all post-norm), then the layer's box and class
 * heads. Parameters under `transformer.decoder.layers.${k}`, `transformer.decoder.{ref_point_head,
 * query_updater}`, `transformer.decoder.bbox_embed.${k}` and `transformer.decoder.class_embed.${k}`.
 */
export function decoderLayer(
  g: GraphBuilder,
  stateDict: StateDict,
  k: number,
  state: DecoderLayerState,
  ctx: DecoderWindowContext,
  config: TaptrConfig,
): DecoderLayerResult {
  return g.scope(`decoder_layer_${k}`, () => {
    const p = `transformer.decoder.layers.${k}`;
    const M = config.nheads;
    const { reference } = state;
    const referenceXY = g.slice(reference, [0], [2], [2]);

    const queryPos = detrMlp(g, stateDict, 'transformer.decoder.ref_point_head', sineEmbedding4(g, reference, config.peTemperature), 2);
    const layerIn = g.add(state.content, mlp2(g, stateDict, 'transformer.decoder.query_updater', g.concat([state.content, ctx.initial], 2)));
    const corr = sampleCorrelation(g, ctx.correlation, referenceXY, config);
    let y = mlp2(g, stateDict, `${p}.corr_fuser`, g.concat([layerIn, corr], 2));

    // Temporal self-attention: every point over its K frames.
    const yT = g.transpose(y, [1, 0, 2]);
    const qT = g.transpose(g.add(y, queryPos), [1, 0, 2]);
    const tsa = multiHeadAttention(g, stateDict, `${p}.temp_self_attn`, { query: qT, key: qT, value: yT, mask: ctx.temporalMask }, M);
    y = layerNorm(g, stateDict, `${p}.norm_temp`, g.add(y, g.transpose(tsa, [1, 0, 2])));

    // Point self-attention: every frame over the N points (scores one frame at a time).
    const qS = g.add(y, queryPos);
    const sa = pointSelfAttention(g, stateDict, `${p}.self_attn`, { query: qS, value: y, mask: ctx.pointMask }, M, config.slidingWindowSize);
    y = layerNorm(g, stateDict, `${p}.norm2`, g.add(y, sa));

    const ca = decoderCrossAttention(
      g,
      stateDict,
      `${p}.cross_attn`,
      { query: g.add(y, queryPos), referenceXY, memory: ctx.memory },
      config,
      ctx.crossAttention,
    );
    y = layerNorm(g, stateDict, `${p}.norm1`, g.add(y, ca));

    const ffn = linear(g, stateDict, `${p}.linear2`, g.relu(linear(g, stateDict, `${p}.linear1`, y)));
    y = layerNorm(g, stateDict, `${p}.norm3`, g.add(y, ffn));

    const delta = g.mul(mlp3(g, stateDict, `transformer.decoder.bbox_embed.${k}`, y), ctx.update);
    const locationLogits = g.add(delta, inverseSigmoid(g, reference));
    const content = y;
    let visibility: OnnxValue | undefined;
    let nextReference: OnnxValue | undefined;
    return {
      content,
      // Read by the next layer only (built when read, like the class head below).
      get reference(): OnnxValue {
        return (nextReference ??= g.scope(`decoder_layer_${k}`, () => g.sigmoid(locationLogits)));
      },
      layerIn,
      queryPos,
      corr,
      locationLogits,
      // Built only when read (the window outputs the last layer's): an unread class head is a dead
      // node, which onnxruntime still runs, at the end of the graph, keeping every layer's content
      // alive until then (issue 15).
      get visibilityLogits(): OnnxValue {
        return (visibility ??= g.scope(`decoder_layer_${k}`, () => linear(g, stateDict, `transformer.decoder.class_embed.${k}`, content)));
      },
    };
  });
}
