// SPDX-License-Identifier: Apache-2.0
import type { DType } from '@taptr/tensor';
import type { TaptrConfig } from '../config/taptr-config.js';
import { checkStateDict } from '../checkpoint/taptr-checkpoint.js';
import { onnx, type OnnxTypes } from '../onnx/onnx-proto.js';
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
  readonly config: TaptrConfig;
}

/** The three graph roles, in pipeline order. */
export const TAPTR_GRAPH_ROLES = ['frameEncoder', 'queryInit', 'decoderWindow'] as const;
/** One of {@link TAPTR_GRAPH_ROLES}. */
export type TaptrGraphRole = (typeof TAPTR_GRAPH_ROLES)[number];

/** File name of each graph in a saved model folder. */
export const TAPTR_GRAPH_FILES: Readonly<Record<TaptrGraphRole, string>> = Object.freeze({
  frameEncoder: 'frame_encoder.onnx',
  queryInit: 'query_init.onnx',
  decoderWindow: 'decoder_window.onnx',
});

/** Options of {@link buildTaptrGraphs}. */
export interface BuildTaptrGraphsOptions {
  /** Batch dimension of G1 (fixed size or symbolic name). Defaults to `'B'`. */
  readonly encoderBatch?: number | string;
}

/**
 * Builds the three inference graphs from a TAPTR state dict (checked against `config` first).
 * All graphs are float32, opset 17; the point count N is dynamic in G2 and G3.
 * @throws TaptrError `TAPTR_CHECKPOINT_MISMATCH` for missing keys or wrong shapes.
 */
export function buildTaptrGraphs(stateDict: StateDict, config: TaptrConfig, options: BuildTaptrGraphsOptions = {}): TaptrGraphs {
  checkStateDict(stateDict, config);
  return {
    frameEncoder: buildFrameEncoder(stateDict, config, { batch: options.encoderBatch ?? 'B' }),
    queryInit: buildQueryInitGraph(stateDict, config),
    decoderWindow: buildDecoderWindowGraph(stateDict, config),
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

const ELEM_TYPES: Record<number, DType> = { 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 11: 'float64', 12: 'uint32', 13: 'uint64' };

/** Reads the graph name and declared inputs/outputs (names, types, dims) of ONNX model bytes. */
export function graphSignature(model: Uint8Array): GraphSignature {
  const graph = onnx.ModelProto.decode(model).graph;
  const info = (v: OnnxTypes.IValueInfoProto): GraphValueInfo => {
    const t = v.type?.tensorType;
    return {
      name: v.name ?? '',
      type: ELEM_TYPES[t?.elemType ?? 0] ?? 'float32',
      dims: (t?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue))),
    };
  };
  const initializers = new Set((graph?.initializer ?? []).map((i) => i.name ?? ''));
  return {
    name: graph?.name ?? '',
    inputs: (graph?.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(info),
    outputs: (graph?.output ?? []).map(info),
  };
}
