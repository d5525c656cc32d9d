// SPDX-License-Identifier: Apache-2.0
import { onnxModelSignature } from '@taptr/onnx';
import type { DType } from '@taptr/tensor';
import type { TaptrConfig } from '../config/taptr-config.js';
import { checkStateDict } from '../checkpoint/taptr-checkpoint.js';
import type { StateDict } from './blocks/state-dict.js';
import { buildDecoderWindowGraph } from './decoder-window.js';
import { buildFrameEncoder } from './frame-encoder.js';
import { buildQueryInitGraph } from './query-init.js';

/** The three TAPTR inference graphs (spec §13) and the configuration they were built for. */
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
   * G3 `decoder_window` built with `crossAttention: 'sample-first'` (see `buildDecoderWindowGraph`):
   * the same inputs, outputs and results (within 1e-4 of the official model, like
   * {@link TaptrGraphs.decoderWindow}), a different cost profile. It gathers the raw memory rows at
   * the bilinear corners and applies each layer's `value_proj` after the sampling, so no per-layer
   * work runs on the whole window memory `[K, S, C]`: several times faster for few points (released
   * configuration, onnxruntime-node CPU, 2 threads: 7.2x at N = 16, 2.5x at N = 64, 1.9x at N = 128),
   * but its gathers hold K·N·M·L·P·4·C floats per layer (≈ 270 MB at N = 64 with the released model,
   * growing linearly with N). Use it for few points
   * (interactive tracking, N ≲ 64) and {@link TaptrGraphs.decoderWindow} (`'project-first'`, memory
   * bounded at N = 800) for many; the tracker chooses per window by its point count.
   *
   * Optional: model folders converted before it existed do not have it (every window then runs
   * `decoderWindow`), and `buildTaptrGraphs(..., { sampleFirstDecoder: false })` omits it.
   */
  readonly decoderWindowSampleFirst?: Uint8Array;
  readonly config: TaptrConfig;
}

/** The three required graph roles, in pipeline order. */
export const TAPTR_GRAPH_ROLES = ['frameEncoder', 'queryInit', 'decoderWindow'] as const;
/** One of {@link TAPTR_GRAPH_ROLES}. */
export type TaptrGraphRole = (typeof TAPTR_GRAPH_ROLES)[number];

/** Graph roles a model may lack (older model folders): the few-points decoder. */
export const TAPTR_OPTIONAL_GRAPH_ROLES = ['decoderWindowSampleFirst'] as const;
/** One of {@link TAPTR_OPTIONAL_GRAPH_ROLES}. */
export type TaptrOptionalGraphRole = (typeof TAPTR_OPTIONAL_GRAPH_ROLES)[number];

/** File name of each graph in a saved model folder. */
export const TAPTR_GRAPH_FILES: Readonly<Record<TaptrGraphRole | TaptrOptionalGraphRole, string>> = Object.freeze({
  frameEncoder: 'frame_encoder.onnx',
  queryInit: 'query_init.onnx',
  decoderWindow: 'decoder_window.onnx',
  decoderWindowSampleFirst: 'decoder_window_sample_first.onnx',
});

/** Options of {@link buildTaptrGraphs}. */
export interface BuildTaptrGraphsOptions {
  /** Batch dimension of G1 (fixed size or symbolic name). Defaults to `'B'`. */
  readonly encoderBatch?: number | string;
  /**
   * Also build {@link TaptrGraphs.decoderWindowSampleFirst}, the decoder for few points (one more
   * graph of the decoder's size: ≈ 55 MB for the released configuration). Defaults to true.
   */
  readonly sampleFirstDecoder?: boolean;
}

/**
 * Builds the inference graphs from a TAPTR state dict (checked against `config` first): the three
 * graphs of spec §13 (G3 in the official `'project-first'` order) and, unless
 * `options.sampleFirstDecoder` is false, G3 again in the `'sample-first'` order for few points
 * ({@link TaptrGraphs.decoderWindowSampleFirst}). All graphs are float32, opset 17; the point count
 * N is dynamic in G2 and G3.
 * @throws TaptrError `TAPTR_CHECKPOINT_MISMATCH` for missing keys or wrong shapes.
 */
export function buildTaptrGraphs(stateDict: StateDict, config: TaptrConfig, options: BuildTaptrGraphsOptions = {}): TaptrGraphs {
  checkStateDict(stateDict, config);
  return {
    frameEncoder: buildFrameEncoder(stateDict, config, { batch: options.encoderBatch ?? 'B' }),
    queryInit: buildQueryInitGraph(stateDict, config),
    decoderWindow: buildDecoderWindowGraph(stateDict, config),
    ...(options.sampleFirstDecoder === false ? {} : { decoderWindowSampleFirst: buildDecoderWindowGraph(stateDict, config, { crossAttention: 'sample-first' }) }),
    config,
  };
}

/** A graph input or output as declared in the model: name, element type and dims (symbolic names allowed). */
export interface GraphValueInfo {
  readonly name: string;
  readonly type: DType;
  readonly dims: readonly (number | string)[];
}

/** Declared inputs and outputs of a graph. */
export interface GraphSignature {
  readonly name: string;
  readonly inputs: readonly GraphValueInfo[];
  readonly outputs: readonly GraphValueInfo[];
}

/**
 * Reads the graph name and declared inputs/outputs (names, types, dims) of ONNX model bytes.
 * @throws TaptrError `TAPTR_CONFIG_INVALID` when the bytes are not an ONNX model or an input or output is not a tensor of a {@link DType}.
 */
export function graphSignature(model: Uint8Array): GraphSignature {
  return onnxModelSignature(model);
}
