// SPDX-License-Identifier: Apache-2.0
// Node-only: model folders on disk (written by saveTaptrModel; read with `@taptr/model/format`'s
// loadTaptrModel over fsModelReader), checkpoint conversion, downloads and pretrained models.
export { defaultCacheDir } from './cache-dir.js';
export { downloadFile, isUnreachableError, sha256File } from './download-file.js';
export type { DownloadOptions, DownloadResult } from './download-file.js';
export { CONVERTER_VERSION, loadPretrained } from './load-pretrained.js';
export type { ChecksumTrust, LoadPretrainedOptions, PretrainedModel, PretrainedProgress } from './load-pretrained.js';
export { hubEndpoint, hubFileUrl, hubHeaders, PRETRAINED_MODELS } from './pretrained-models.js';
export type { PretrainedModelSpec } from './pretrained-models.js';
export type { DownloadEnv } from './proxy-dispatcher.js';
export { fsModelReader } from './fs-model-reader.js';
export { convertTaptrCheckpoint, readTaptrConfigFile, saveTaptrModel, sha256Hex } from './taptr-model-files.js';
export type { ConvertCheckpointOptions, SaveTaptrModelOptions } from './taptr-model-files.js';
