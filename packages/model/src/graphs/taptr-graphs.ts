// SPDX-License-Identifier: Apache-2.0
import { onnxModelSignature } from '@taptr/onnx';
import type { TaptrConfig } from '../config/taptr-config.js';
import { checkStateDict } from '../checkpoint/taptr-checkpoint.js';
import type { TaptrGraphs } from '../format/graph-roles.js';
import type { GraphSignature } from '../format/graph-signature.js';
import type { StateDict } from './blocks/state-dict.js';
import { buildDecoderWindowGraph } from './decoder-window.js';
import { buildFrameEncoder } from './frame-encoder.js';
import { buildQueryInitGraph } from './query-init.js';

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
    ...(options.sampleFirstDecoder === false
      ? {}
      : { decoderWindowSampleFirst: buildDecoderWindowGraph(stateDict, config, { crossAttention: 'sample-first' }) }),
    config,
  };
}

/**
 * Reads the graph name and declared inputs/outputs (names, types, dims) of ONNX model bytes (a
 * protobuf decode of the whole model: for writing `model.json`; loaders take the signatures from it).
 */
export function graphSignature(model: Uint8Array): GraphSignature {
  return onnxModelSignature(model);
}
