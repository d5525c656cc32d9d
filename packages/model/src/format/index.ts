// SPDX-License-Identifier: Apache-2.0
// `@taptr/model/format`: the converted model format on every platform (Node.js, page, worker): the
// `model.json` manifest, the graph roles and files, the configuration, and loadTaptrModel over a
// file reader. Imports no protobuf and no platform module.
export { memoryTokens, parseTaptrConfig, RELEASED_CONFIG } from '../config/taptr-config.js';
export type { TaptrConfig } from '../config/taptr-config.js';
export { TAPTR_GRAPH_FILES, TAPTR_GRAPH_ROLES, TAPTR_OPTIONAL_GRAPH_ROLES } from './graph-roles.js';
export type { TaptrAnyGraphRole, TaptrGraphRole, TaptrGraphs, TaptrOptionalGraphRole } from './graph-roles.js';
export type { GraphSignature, GraphValueInfo } from './graph-signature.js';
export { checkModelFile, loadTaptrModel, sha256Digest } from './load-taptr-model.js';
export type { LoadedTaptrModel, LoadTaptrModelOptions } from './load-taptr-model.js';
export { fetchModelReader, fileListModelReader, memoryModelReader } from './model-file-reader.js';
export type { FetchModelReaderOptions, ModelFileReader } from './model-file-reader.js';
export {
  listedGraphRoles,
  manifestSignatures,
  parseTaptrManifest,
  TAPTR_MODEL_FORMAT,
  TAPTR_MODEL_FORMAT_VERSION,
  TAPTR_MODEL_MANIFEST,
} from './taptr-manifest.js';
export type { TaptrManifestGraph, TaptrModelManifest } from './taptr-manifest.js';
export { isTaptrInt8Weights, isTaptrPrecision, TAPTR_INT8_WEIGHTS, TAPTR_PRECISIONS } from './taptr-precision.js';
export type { TaptrInt8Weights, TaptrPrecision } from './taptr-precision.js';
