// SPDX-License-Identifier: Apache-2.0
export { CORR_FEATURES, countParameters, expectedStateDictShapes, QUERY_SINE_WIDTH, RESNET50_BLOCKS } from './state-dict-layout.js';
export type { ParameterCount, StateDictEntry, StateDictEntryKind } from './state-dict-layout.js';
export { describeTaptrShapes, inferTaptrShapes, isReleasedTaptrShapes, taptrConfigShapes, taptrShapeDifferences } from './infer-taptr-shapes.js';
export type { TaptrCheckpointShapes } from './infer-taptr-shapes.js';
export { checkStateDict, readTaptrCheckpoint } from './taptr-checkpoint.js';
export { syntheticStateDict } from './synthetic-state-dict.js';
export type { ReadCheckpointOptions } from './taptr-checkpoint.js';
export { isLazyTensor, readTorchZip } from './torch-zip.js';
export type { LazyTensor, OpaqueObject, TorchZip } from './torch-zip.js';
