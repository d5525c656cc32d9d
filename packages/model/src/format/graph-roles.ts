// SPDX-License-Identifier: Apache-2.0
import type { TaptrConfig } from '../config/taptr-config.js';
import type { GraphSignature } from './graph-signature.js';
import type { TaptrInt8Weights } from './taptr-precision.js';

/** The three required graph roles, in pipeline order. */
export const TAPTR_GRAPH_ROLES = ['frameEncoder', 'queryInit', 'decoderWindow'] as const;
/** One of {@link TAPTR_GRAPH_ROLES}. */
export type TaptrGraphRole = (typeof TAPTR_GRAPH_ROLES)[number];

/** Graph roles a model may lack (older model folders): the few-points decoder. */
export const TAPTR_OPTIONAL_GRAPH_ROLES = ['decoderWindowSampleFirst'] as const;
/** One of {@link TAPTR_OPTIONAL_GRAPH_ROLES}. */
export type TaptrOptionalGraphRole = (typeof TAPTR_OPTIONAL_GRAPH_ROLES)[number];

/** Any graph role of a model. */
export type TaptrAnyGraphRole = TaptrGraphRole | TaptrOptionalGraphRole;

/** File name of each graph in a saved model folder. */
export const TAPTR_GRAPH_FILES: Readonly<Record<TaptrAnyGraphRole, string>> = Object.freeze({
  frameEncoder: 'frame_encoder.onnx',
  queryInit: 'query_init.onnx',
  decoderWindow: 'decoder_window.onnx',
  decoderWindowSampleFirst: 'decoder_window_sample_first.onnx',
});

/**
 * A TAPTR model: the inference graphs (spec §13, ONNX bytes) and the configuration they were built
 * for, as `buildTaptrGraphs` makes them and `loadTaptrModel` reads them; what the tracker runs.
 */
export interface TaptrGraphs {
  /** G1 `frame_encoder`: `image` [B, 3, R, R] -> `memory` [B, S, C]. */
  readonly frameEncoder: Uint8Array;
  /** G2 `query_init`: `memory` [1, S, C], `xy_norm` [N, 2] -> `content` [N, C], `ref_unsig` [N, 4]. */
  readonly queryInit: Uint8Array;
  /**
   * G3 `decoder_window`: `memory` [K, S, C], `content` [K, N, C], `ref_unsig` [K, N, 4], `track_mask`
   * bool [N, K], `update_mask` bool [N, K], `init_content` [K, N, C] -> `ref_unsig_out` [K, N, 4],
   * `vis_logits` [K, N, 3], `content_out` [K, N, C].
   */
  readonly decoderWindow: Uint8Array;
  /**
   * G3 built `'sample-first'` (see `buildDecoderWindowGraph`): the same inputs, outputs and results
   * as {@link TaptrGraphs.decoderWindow}, a different cost profile: several times faster for few
   * points, its gathers growing linearly with N. The tracker chooses per window by its point count.
   * Optional: model folders converted before it existed do not have it (every window then runs
   * `decoderWindow`), and `buildTaptrGraphs(..., { sampleFirstDecoder: false })` omits it.
   */
  readonly decoderWindowSampleFirst?: Uint8Array;
  readonly config: TaptrConfig;
  /**
   * The element type of the quantized MatMul weights of an `int8` model, when known: set by
   * `applyTaptrPrecision(graphs, 'int8')`, `withInt8Weights` and `loadTaptrModel` (from `model.json`);
   * absent for the other precisions. `saveTaptrModel` records it.
   */
  readonly int8Weights?: TaptrInt8Weights;
  /**
   * Declared inputs and outputs of each graph, when known without decoding the graphs (`loadTaptrModel`
   * takes them from `model.json`). Consumers that need a graph's signature and find none here read it
   * from the runtime session (its input and output names and metadata), never by decoding the bytes.
   */
  readonly signatures?: Readonly<Partial<Record<TaptrAnyGraphRole, GraphSignature>>>;
}
