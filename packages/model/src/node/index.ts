// SPDX-License-Identifier: Apache-2.0
// Node-only: model folders on disk (graphs + model.json manifest) and checkpoint conversion.
export {
  convertTaptrCheckpoint,
  loadTaptrModel,
  readTaptrConfigFile,
  saveTaptrModel,
  sha256Hex,
} from './taptr-model-files.js';
export type { ConvertCheckpointOptions, LoadedTaptrModel, SaveTaptrModelOptions } from './taptr-model-files.js';
export { parseTaptrModelManifest, TAPTR_MODEL_FORMAT, TAPTR_MODEL_FORMAT_VERSION, TAPTR_MODEL_MANIFEST } from './taptr-model-manifest.js';
export type { TaptrManifestGraph, TaptrModelManifest } from './taptr-model-manifest.js';
