// SPDX-License-Identifier: Apache-2.0
import { createGraphBuilder, type OnnxValue } from '@taptr/onnx';
import type { CostVolumeMethod } from '@taptr/ops';
import { memoryTokens, type TaptrConfig } from '../config/index.js';
import { mlp2 } from './blocks/mlp.js';
import { withSharedInitializers } from './blocks/shared-initializers.js';
import type { StateDict } from './blocks/state-dict.js';
import { CORR_TAPS, correlationKeys, correlationSource } from './corr-sampling.js';
import type { CrossAttentionMode } from './decoder-cross-attention.js';
import { decoderLayer, type DecoderLayerResult, type DecoderWindowContext } from './decoder-layer.js';

/** Graph name of G3 (spec §13). */
export const DECODER_WINDOW_GRAPH_NAME = 'decoder_window';

/** Options of {@link buildDecoderWindowGraph}. */
export interface DecoderWindowGraphOptions {
  /**
   * Also output every layer's intermediates (named after the reference fixtures `first.w0.*`):
   * `corr_query` `[K, N, C]`; per layer, stacked on a leading axis of size D (decoder layers):
   * `layer_in`, `query_pos`, `hs` `[D, K, N, C]`, `corr_feats` `[D, K, N, L·49]`,
   * `outputs_coord_unsig` `[D, K, N, 4]`, `outputs_class` `[D, K, N, 3]`; and `references`
   * `[D+1, K, N, 4]` (sigmoid space, [0] = input). Defaults to false.
   */
  readonly debugOutputs?: boolean;
  /**
   * How the decoder reaches the memory (see {@link CrossAttentionMode}):
   * - `'project-first'` (default; the official order): `value_proj` of the whole memory per layer,
   *   sampled one frame at a time; transient memory K·S·C + ∝ N, safe for any N (evaluation pads to
   *   800 points).
   * - `'sample-first'`: the cross-attention gathers the corners of the raw memory and applies
   *   `value_proj` after sampling: no per-layer work on the whole memory, much faster for few points,
   *   but its gathers hold K·N·M·L·P·4·C floats per layer (≈ 270 MB at N = 64 with the released
   *   model): use it for N ≲ 64 (interactive tracking).
   * Both reproduce the reference fixtures within 1e-4. Defaults to `'project-first'`.
   */
  readonly crossAttention?: CrossAttentionMode;
  /**
   * Where the correlation taps are read: `'taps'` (default: at the taps only — per point, frame and
   * level, the raw memory rows of the 8x8 map positions holding every bilinear corner of its 7x7 taps
   * are gathered and dotted with the key in every layer, one frame and level at a time; ∝ N, transient
   * N·64·C floats, 52 MB at N = 800 for the released model) or `'volume'` (the volume of every token
   * with the N keys, one MatMul per level and window, ∝ N·S·C, held for the whole window: 557 MB at
   * N = 800). Both are exact. Measured on the released model (synthetic weights, 2 threads, memory
   * 'low', decoder alone, load 2-3): N = 16 2.2 s vs 2.6 s per window; N = 800 15 s vs 11.6 s per
   * window and peak RSS 1.5 GB vs 1.9 GB: `'taps'` is the default for its memory (issue 9).
   */
  readonly correlation?: CostVolumeMethod;
}

/** Shared modules: their parameters are stored once although every layer uses them. */
const SHARED_PREFIXES = ['transformer.decoder.ref_point_head.', 'transformer.decoder.query_updater.'];

/**
 * Builds G3 `decoder_window` (spec §7-§9, §13): one sliding window of K frames through the
 * correlation block, the D decoder layers, the heads and the between-window content update, with the
 * point count N dynamic.
 *
 * Inputs: `memory` float32 `[K, S, C]` (the window's encoder outputs), `content` float32 `[K, N, C]`
 * (FEAT of the window), `ref_unsig` float32 `[K, N, 4]` (LOC, logit space), `track_mask` bool `[N, K]`,
 * `update_mask` bool `[N, K]`, `init_content` float32 `[K, N, C]` (INIT).
 * Outputs: `ref_unsig_out` float32 `[K, N, 4]` (last layer's ℓ), `vis_logits` float32 `[K, N, 3]` (last
 * layer's v; index 1 = visible), `content_out` float32 `[K, N, C]` = content + update_mask ·
 * `query_between_window_updater`(INIT, FEAT, hs_last) (§9 step 3); plus the debug outputs of
 * {@link DecoderWindowGraphOptions.debugOutputs}. The window schedule, skips, merges and forward
 * copies (§9 steps 1, 2, 4) are left to the caller.
 *
 * Exact re-arrangements (spec §13 "optional exact optimisations"): the fmap 1x1 convs are folded into
 * the correlation query (one MatMul of the memory with N keys per level, never the C·C·S convs); all
 * bilinear sampling (correlation taps, cross-attention) gathers the 4 corners from the token-major
 * memory instead of GridSample (no transposition; cost ∝ sample points). With `crossAttention:
 * 'sample-first'` the cross-attention's `value_proj` is applied after the sampling and with
 * `correlation: 'taps'` the correlation is computed only at the taps, so that no per-layer work
 * depends on the map size (see the options for the trade-offs).
 * @param stateDict - the TAPTR state dict (`transformer.decoder.*`, `query_between_window_updater.*`).
 * @returns the ONNX model bytes.
 * @throws TaptrError `TAPTR_CHECKPOINT_MISMATCH` for a missing or mis-shaped parameter.
 */
export function buildDecoderWindowGraph(stateDict: StateDict, config: TaptrConfig, options: DecoderWindowGraphOptions = {}): Uint8Array {
  const K = config.slidingWindowSize;
  const C = config.hiddenDim;
  const D = config.decLayers;
  const base = createGraphBuilder({ name: DECODER_WINDOW_GRAPH_NAME });
  const g = withSharedInitializers(base, SHARED_PREFIXES);

  const memory = g.input('memory', 'float32', [K, memoryTokens(config), C]);
  const content = g.input('content', 'float32', [K, 'N', C]);
  const refUnsig = g.input('ref_unsig', 'float32', [K, 'N', 4]);
  const trackMask = g.input('track_mask', 'bool', ['N', K]);
  const updateMask = g.input('update_mask', 'bool', ['N', K]);
  const initContent = g.input('init_content', 'float32', [K, 'N', C]);

  const trackT = g.transpose(trackMask, [1, 0]); // [K, N]
  const update = g.unsqueeze(g.transpose(g.cast(updateMask, 'float32'), [1, 0]), [2]); // [K, N, 1]
  const mode = options.crossAttention ?? 'project-first';
  const corr = g.scope('correlation', () => correlationKeys(g, stateDict, content, config));
  const ctx: DecoderWindowContext = {
    initial: content,
    memory,
    correlation: g.scope('correlation', () => correlationSource(g, memory, corr.keys, config, options.correlation ?? 'taps')),
    crossAttention: mode,
    temporalMask: g.xor(g.unsqueeze(trackMask, [2]), g.unsqueeze(trackMask, [1])), // [N, K, K]
    pointMask: g.xor(g.unsqueeze(trackT, [2]), g.unsqueeze(trackT, [1])), // [K, N, N]
    update,
  };

  const layers: DecoderLayerResult[] = [];
  let state = { content, reference: g.sigmoid(refUnsig) };
  const inputReference = state.reference;
  for (let k = 0; k < D; k++) {
    const result = decoderLayer(g, stateDict, k, state, ctx, config);
    layers.push(result);
    state = result; // its reference is read (built) only by the next layer
  }
  const last = layers.at(-1)!;
  g.output(last.locationLogits, 'ref_unsig_out', 'float32', [K, 'N', 4]);
  g.output(last.visibilityLogits, 'vis_logits', 'float32', [K, 'N', 3]);
  const delta = g.scope('between_window', () => mlp2(g, stateDict, 'query_between_window_updater', g.concat([initContent, content, last.content], 2)));
  g.output(g.add(content, g.mul(delta, update)), 'content_out', 'float32', [K, 'N', C]);

  if (options.debugOutputs === true) {
    const stack = (values: readonly OnnxValue[]) =>
      g.concat(
        values.map((v) => g.unsqueeze(v, [0])),
        0,
      );
    g.output(corr.query, 'corr_query', 'float32', [K, 'N', C]);
    g.output(stack(layers.map((l) => l.layerIn)), 'layer_in', 'float32', [D, K, 'N', C]);
    g.output(stack(layers.map((l) => l.queryPos)), 'query_pos', 'float32', [D, K, 'N', C]);
    g.output(stack(layers.map((l) => l.content)), 'hs', 'float32', [D, K, 'N', C]);
    g.output(stack(layers.map((l) => l.corr)), 'corr_feats', 'float32', [D, K, 'N', config.numFeatureLevels * CORR_TAPS]);
    g.output(stack(layers.map((l) => l.locationLogits)), 'outputs_coord_unsig', 'float32', [D, K, 'N', 4]);
    g.output(stack(layers.map((l) => l.visibilityLogits)), 'outputs_class', 'float32', [D, K, 'N', config.numClasses + 1]);
    g.output(stack([inputReference, ...layers.map((l) => l.reference)]), 'references', 'float32', [D + 1, K, 'N', 4]);
  }
  return base.toModelBytes();
}
