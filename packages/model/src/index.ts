// SPDX-License-Identifier: Apache-2.0
export {
  detrMlp,
  groupNorm,
  groupNormWith,
  layerNorm,
  linear,
  linearWith,
  mlp2,
  mlp3,
  msDeformAttn,
  multiHeadAttention,
  requireParam,
  transposeMatrix,
} from './graphs/blocks/index.js';
export type { AttentionInputs, LevelShape, MsdaInputs, MsdaShape, StateDict } from './graphs/blocks/index.js';
export { backboneChannels, featureLevelShapes, levelStartIndex, memoryTokens, parseTaptrConfig, RELEASED_CONFIG, taptrConfigToJson } from './config/index.js';
export type { TaptrConfig } from './config/index.js';
export {
  checkStateDict,
  CORR_FEATURES,
  countParameters,
  describeTaptrShapes,
  expectedStateDictShapes,
  inferTaptrShapes,
  isLazyTensor,
  isReleasedTaptrShapes,
  QUERY_SINE_WIDTH,
  readTaptrCheckpoint,
  readTorchZip,
  RESNET50_BLOCKS,
  syntheticStateDict,
  taptrConfigShapes,
  taptrShapeDifferences,
} from './checkpoint/index.js';
export type {
  LazyTensor,
  OpaqueObject,
  ParameterCount,
  ReadCheckpointOptions,
  StateDictEntry,
  StateDictEntryKind,
  TaptrCheckpointShapes,
  TorchZip,
} from './checkpoint/index.js';
export { foldFrozenBatchNorm, resnet50Backbone } from './graphs/backbone.js';
export { buildFrameEncoder, FRAME_ENCODER_GRAPH, FRAME_ENCODER_INPUT, FRAME_ENCODER_OUTPUT, frameEncoderBody } from './graphs/frame-encoder.js';
export type { FrameEncoderOptions } from './graphs/frame-encoder.js';
export { encoderReferencePoints, levelPositionEmbedding, levelPositionEmbeddingNode, sinePositionEmbedding } from './graphs/position-embedding.js';
export { buildQueryInitGraph, INVERSE_SIGMOID_EPS, inverseSigmoid, QUERY_INIT_GRAPH_NAME, sampleQueryFeatures } from './graphs/query-init.js';
export type { QueryInitGraphOptions } from './graphs/query-init.js';
export { buildDecoderWindowGraph, DECODER_WINDOW_GRAPH_NAME } from './graphs/decoder-window.js';
export type { DecoderWindowGraphOptions } from './graphs/decoder-window.js';
export type { CrossAttentionMode } from './graphs/decoder-cross-attention.js';
export { buildTaptrGraphs, graphSignature } from './graphs/taptr-graphs.js';
export type { BuildTaptrGraphsOptions } from './graphs/taptr-graphs.js';
export { applyTaptrPrecision, taptrFloat16Options, taptrInt8Options } from './graphs/taptr-precision.js';
export { withInt8Weights } from './graphs/int8-weights.js';
// The model format's names the builder's users need (declared in `@taptr/model/format`).
export {
  isTaptrInt8Weights,
  isTaptrPrecision,
  TAPTR_GRAPH_FILES,
  TAPTR_GRAPH_ROLES,
  TAPTR_INT8_WEIGHTS,
  TAPTR_OPTIONAL_GRAPH_ROLES,
  TAPTR_PRECISIONS,
} from './format/index.js';
export type { GraphSignature, GraphValueInfo, TaptrGraphRole, TaptrGraphs, TaptrInt8Weights, TaptrOptionalGraphRole, TaptrPrecision } from './format/index.js';
