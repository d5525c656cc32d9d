// SPDX-License-Identifier: Apache-2.0
// Node-only: model folders on disk (graphs + model.json manifest), checkpoint conversion, downloads
// and pretrained models.
export { defaultCacheDir } from './cache-dir.js';
export { downloadFile, isUnreachableError, sha256File } from './download-file.js';
export type { DownloadOptions, DownloadResult } from './download-file.js';
export { CONVERTER_VERSION, loadPretrained } from './load-pretrained.js';
export type { ChecksumTrust, LoadPretrainedOptions, PretrainedModel, PretrainedProgress } from './load-pretrained.js';
export { hubEndpoint, hubFileUrl, hubHeaders, PRETRAINED_MODELS } from './pretrained-models.js';
export type { PretrainedModelSpec } from './pretrained-models.js';
export type { DownloadEnv } from './proxy-dispatcher.js';
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
