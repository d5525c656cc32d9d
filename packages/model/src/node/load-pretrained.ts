// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { OPSET_VERSION } from '@taptr/onnx';
import { describeValue, invalidArgument, isTaptrError, TaptrError } from '@taptr/tensor';
import { inferTaptrShapes, taptrShapeDifferences } from '../checkpoint/infer-taptr-shapes.js';
import { readTaptrCheckpoint } from '../checkpoint/taptr-checkpoint.js';
import { parseTaptrConfig, taptrConfigToJson, type TaptrConfig } from '../config/taptr-config.js';
import { buildTaptrGraphs } from '../graphs/taptr-graphs.js';
import {
  isTaptrInt8Weights,
  isTaptrPrecision,
  TAPTR_INT8_WEIGHTS,
  TAPTR_PRECISIONS,
  type TaptrInt8Weights,
  type TaptrPrecision,
} from '../format/taptr-precision.js';
import { withInt8Weights } from '../graphs/int8-weights.js';
import { applyTaptrPrecision } from '../graphs/taptr-precision.js';
import { defaultCacheDir } from './cache-dir.js';
import { downloadFile, isUnreachableError } from './download-file.js';
import { hubFileUrl, hubHeaders, PRETRAINED_MODELS, type PretrainedModelSpec } from './pretrained-models.js';
import type { DownloadEnv } from './proxy-dispatcher.js';
import { loadTaptrModel, type LoadedTaptrModel } from '../format/load-taptr-model.js';
import { manifestSignatures, TAPTR_MODEL_FORMAT_VERSION, TAPTR_MODEL_MANIFEST } from '../format/taptr-manifest.js';
import { fsModelReader } from './fs-model-reader.js';
import { saveTaptrModel, sha256Hex } from './taptr-model-files.js';

/** Progress of {@link loadPretrained}: bytes while downloading, steps while converting. */
export interface PretrainedProgress {
  readonly stage: 'download' | 'convert';
  readonly done: number;
  /** Bytes of the file (when the server gives it) or steps of the conversion (4). */
  readonly total: number | undefined;
}

/** Options of {@link loadPretrained}. */
export interface LoadPretrainedOptions {
  /** Cache folder (default {@link defaultCacheDir}: `$TAPTR_CACHE` or the platform's user cache folder). */
  readonly cacheDir?: string;
  /** Called as the checkpoint downloads and as the conversion goes. */
  readonly onProgress?: (progress: PretrainedProgress) => void;
  /** Stops the download (resumed by the next call) or the conversion; rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * The environment read for `HF_ENDPOINT` (a Hub mirror's base URL), `HF_TOKEN` (sent as
   * `Authorization: Bearer` to the Hub only), `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` and
   * `TAPTR_CACHE`. Default `process.env`.
   */
  readonly env?: DownloadEnv;
  /** Configuration of the checkpoint instead of the registered one (part of the cache key). */
  readonly config?: TaptrConfig;
  /** Numeric variant (default `'fp32'`, the official model; part of the cache key). */
  readonly precision?: TaptrPrecision;
  /**
   * Weight type of the `int8` precision (only with it): `'int8'` (u8s8) for CPUs with VNNI, `'uint8'`
   * (u8u8) for the others; `int8WeightsForCpu()` of `@taptr/runtime-node` picks it. Not part of the
   * cache key: the folder is converted with it the first time, and a cached folder of the other type
   * is switched in memory at load (`withInt8Weights`, exact), so the returned graphs always hold it
   * (`graphs.int8Weights`; `manifest.int8Weights` is the folder's). Default: the folder's type
   * (`'uint8'` when converting).
   */
  readonly int8Weights?: TaptrInt8Weights;
  /** Resumes after a cut connection (default 5). */
  readonly retries?: number;
}

/** How the checkpoint's sha256 was established. */
export type ChecksumTrust = 'pinned' | 'recorded' | 'first-use';

/** A model returned by {@link loadPretrained}: the graphs and manifest, and where they come from. */
export interface PretrainedModel extends LoadedTaptrModel {
  readonly id: string;
  /** The converted model folder in the cache (loadable with `loadTaptrModel`, `taptr track --model`). */
  readonly dir: string;
  readonly checkpoint: {
    readonly url: string;
    readonly path: string;
    readonly sha256: string;
    /**
     * `pinned`: matched the sha256 of {@link PretrainedModelSpec.sha256}; `recorded`: matched the
     * sha256 recorded in the cache at the first download; `first-use`: downloaded now for the
     * first time and recorded (checked against the sha256 the Hub announced, when it did).
     */
    readonly trust: ChecksumTrust;
  };
  /** True when nothing was downloaded or converted (the cached model was loaded). */
  readonly cached: boolean;
}

/** The record of a checkpoint's sha256, written beside it at its first download. */
interface ChecksumRecord {
  readonly sha256: string;
  readonly url: string;
  readonly bytes: number;
  readonly recordedAt: string;
  readonly announcedSha256?: string;
}

const CONVERT_STEPS = 4;

/**
 * What invalidates a converted model in the cache besides the checkpoint and the options: the
 * converter (this package's version), the model folder format and the ONNX opset.
 */
export const CONVERTER_VERSION: string = (() => {
  // src/node/ and dist/node/ are both two folders below the package root.
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `@taptr/model@${manifest.version}/format-${TAPTR_MODEL_FORMAT_VERSION}/opset-${OPSET_VERSION}`;
})();

function checkSpec(spec: unknown): PretrainedModelSpec {
  const known = Object.keys(PRETRAINED_MODELS)
    .map((id) => `'${id}'`)
    .join(', ');
  if (typeof spec === 'string') {
    const found = PRETRAINED_MODELS[spec];
    if (found === undefined) throw invalidArgument('range', 'loadPretrained', 'model', `one of ${known} (or a PretrainedModelSpec)`, describeValue(spec));
    return found;
  }
  const s = spec as Partial<PretrainedModelSpec> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    typeof s.id !== 'string' ||
    !/^[A-Za-z0-9][\w.-]*$/.test(s.id) ||
    typeof s.repo !== 'string' ||
    typeof s.file !== 'string' ||
    typeof s.config !== 'object'
  ) {
    throw invalidArgument('type', 'loadPretrained', 'model', `one of ${known} or a PretrainedModelSpec { id, repo, file, config }`, describeValue(spec));
  }
  if (s.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(s.sha256))
    throw invalidArgument('range', 'loadPretrained', 'model.sha256', '64 lower-case hex digits', describeValue(s.sha256));
  return s as PretrainedModelSpec;
}

async function readRecord(path: string): Promise<ChecksumRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const record = JSON.parse(text) as ChecksumRecord;
    if (typeof record.sha256 === 'string' && /^[0-9a-f]{64}$/.test(record.sha256)) return record;
  } catch {
    // Fall through: a damaged record is refused below.
  }
  throw new TaptrError('TAPTR_CHECKSUM_MISMATCH', `loadPretrained: ${path} is not a sha256 record; delete it to trust the next download`);
}

/** The cache key of a converted model: checkpoint, converter and options. */
function cacheKey(sha256: string, config: TaptrConfig, precision: TaptrPrecision): string {
  const text = JSON.stringify({ checkpoint: sha256, converter: CONVERTER_VERSION, config: taptrConfigToJson(config), precision });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Loads a converted folder when it is complete and its manifest names the expected checkpoint, else
 * `undefined` (a damaged folder is converted again, over it).
 */
async function loadConverted(dir: string, sha256: string): Promise<LoadedTaptrModel | undefined> {
  if (!(await exists(join(dir, TAPTR_MODEL_MANIFEST)))) return undefined;
  try {
    const loaded = await loadTaptrModel(fsModelReader(dir), { where: dir });
    return loaded.manifest.source.sha256 === sha256 ? loaded : undefined;
  } catch (error) {
    if (isTaptrError(error)) return undefined;
    throw error;
  }
}

/**
 * Downloads, converts and loads a pretrained TAPTR model, caching each step: the checkpoint from
 * the Hugging Face Hub (`$HF_ENDPOINT` or huggingface.co; resumed with HTTP `Range` after a cut or
 * an abort; through `HTTPS_PROXY` / `HTTP_PROXY` unless `NO_PROXY` names the host), its sha256
 * checked against the pinned value, or trusted on first use (recorded in the cache beside the file
 * and required of every later download; the Hub's announced sha256 is checked too when given), then
 * converted with the TypeScript converter into `<cacheDir>/models/<id>-<key>/`, the key being the
 * checkpoint's sha256, {@link CONVERTER_VERSION}, the configuration and the precision. A later call
 * with the same options loads that folder (its graphs checked against `model.json`) without any
 * request or conversion.
 * @param model - a registered id (`'taptr-v1'`, see {@link PRETRAINED_MODELS}) or a spec.
 * @throws TaptrError `TAPTR_NETWORK` (offline: one line with the URL to download by hand and the
 *   `taptr convert` command for it; an HTTP error; too many cuts), `TAPTR_CHECKSUM_MISMATCH`
 *   (pinned or recorded sha256 not matched: nothing kept), `TAPTR_IO`, the converter's errors;
 *   RangeError / TypeError for an unknown id or bad options; the signal's reason when aborted.
 */
export async function loadPretrained(model: string | PretrainedModelSpec, options: LoadPretrainedOptions = {}): Promise<PretrainedModel> {
  const spec = checkSpec(model);
  const env = options.env ?? process.env;
  const precision = options.precision ?? 'fp32';
  if (!isTaptrPrecision(precision))
    throw invalidArgument(
      'range',
      'loadPretrained',
      'options.precision',
      `one of ${TAPTR_PRECISIONS.map((p) => `'${p}'`).join(', ')}`,
      describeValue(precision),
    );
  const int8Weights = options.int8Weights;
  if (int8Weights !== undefined && (precision !== 'int8' || !isTaptrInt8Weights(int8Weights))) {
    const expected =
      precision === 'int8' ? TAPTR_INT8_WEIGHTS.map((w) => `'${w}'`).join(' or ') : "absent (int8 weights exist only with options.precision 'int8')";
    throw invalidArgument('range', 'loadPretrained', 'options.int8Weights', expected, describeValue(int8Weights));
  }
  /** The loaded model with the weight type asked for (switched in memory when the folder holds the other). */
  const suited = (loaded: LoadedTaptrModel): LoadedTaptrModel =>
    int8Weights === undefined || loaded.graphs.int8Weights === int8Weights ? loaded : { ...loaded, graphs: withInt8Weights(loaded.graphs, int8Weights) };
  const config = options.config !== undefined ? parseTaptrConfig(taptrConfigToJson(options.config)) : spec.config;
  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const { signal } = options;
  const url = hubFileUrl(spec, env);
  const checkpointPath = join(cacheDir, 'checkpoints', spec.id, basename(spec.file));
  const recordPath = `${checkpointPath}.sha256.json`;
  const record = await readRecord(recordPath);
  const expected = spec.sha256 ?? record?.sha256;
  const trust: ChecksumTrust = spec.sha256 !== undefined ? 'pinned' : record !== undefined ? 'recorded' : 'first-use';
  const modelDir = (sha256: string): string => join(cacheDir, 'models', `${spec.id}-${cacheKey(sha256, config, precision)}`);

  // A converted model for this checkpoint and these options: no request, no conversion.
  if (expected !== undefined) {
    const dir = modelDir(expected);
    const loaded = await loadConverted(dir, expected);
    if (loaded !== undefined) return { ...suited(loaded), id: spec.id, dir, checkpoint: { url, path: checkpointPath, sha256: expected, trust }, cached: true };
  }

  signal?.throwIfAborted();
  let downloaded;
  try {
    downloaded = await downloadFile({
      url,
      dest: checkpointPath,
      ...(expected !== undefined ? { sha256: expected } : {}),
      headers: hubHeaders(url, env),
      env,
      ...(signal !== undefined ? { signal } : {}),
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      onProgress: (done, total) => options.onProgress?.({ stage: 'download', done, total }),
    });
  } catch (error) {
    if (isUnreachableError(error)) {
      const out = `models/${spec.id}`;
      throw new TaptrError(
        'TAPTR_NETWORK',
        `${(error as Error).message}; offline or behind a proxy? Download ${url} by hand, then run: taptr convert ${basename(spec.file)} --out ${out} (and use --model ${out}), or set HTTPS_PROXY / HF_ENDPOINT`,
        { cause: error },
      );
    }
    if (isTaptrError(error, 'TAPTR_CHECKSUM_MISMATCH') && trust === 'recorded') {
      throw new TaptrError(
        'TAPTR_CHECKSUM_MISMATCH',
        `${error.message}; the sha256 was recorded at the first download (${recordPath}): the file on the Hub changed since, delete that record to trust the new one`,
        { cause: error },
      );
    }
    if (isTaptrError(error, 'TAPTR_NETWORK') && /HTTP 40[13]/.test(error.message) && !env['HF_TOKEN']) {
      throw new TaptrError('TAPTR_NETWORK', `${error.message} (a gated or private repository needs HF_TOKEN)`, { cause: error });
    }
    throw error;
  }
  if (record === undefined) {
    const written: ChecksumRecord = {
      sha256: downloaded.sha256,
      url,
      bytes: downloaded.bytes,
      recordedAt: new Date().toISOString(),
      ...(downloaded.announcedSha256 !== undefined ? { announcedSha256: downloaded.announcedSha256 } : {}),
    };
    await writeFile(`${recordPath}.tmp`, `${JSON.stringify(written, null, 2)}\n`);
    await rename(`${recordPath}.tmp`, recordPath);
  }
  const sha256 = downloaded.sha256;
  const dir = modelDir(sha256);
  const result = (loaded: LoadedTaptrModel, cached: boolean): PretrainedModel => ({
    ...suited(loaded),
    id: spec.id,
    dir,
    checkpoint: { url, path: checkpointPath, sha256, trust },
    cached,
  });
  const already = await loadConverted(dir, sha256);
  if (already !== undefined) return result(already, false);

  // Convert: read (checked against the sha256 again: the bytes converted are the bytes verified).
  const step = (done: number): void => {
    signal?.throwIfAborted();
    options.onProgress?.({ stage: 'convert', done, total: CONVERT_STEPS });
  };
  step(0);
  const bytes = new Uint8Array(await readFile(checkpointPath));
  if (sha256Hex(bytes) !== sha256)
    throw new TaptrError('TAPTR_CHECKSUM_MISMATCH', `loadPretrained: ${checkpointPath} changed while it was being read (sha256 no longer ${sha256})`);
  step(1);
  const stateDict = readTaptrCheckpoint(bytes);
  const differences = taptrShapeDifferences(inferTaptrShapes(stateDict), config);
  if (differences.length > 0) {
    throw new TaptrError(
      'TAPTR_CHECKPOINT_MISMATCH',
      `loadPretrained: ${spec.id}: the checkpoint does not match ${options.config !== undefined ? 'the configuration given' : 'its configuration'}: ${differences.join(', ')}`,
    );
  }
  step(2);
  const graphs = applyTaptrPrecision(buildTaptrGraphs(stateDict, config), precision, int8Weights !== undefined ? { int8Weights } : {});
  step(3);
  await mkdir(join(cacheDir, 'models'), { recursive: true });
  let manifest;
  try {
    manifest = await saveTaptrModel(dir, graphs, { sourceSha256: sha256, precision });
  } catch (error) {
    // Another process converted the same model meanwhile: use its folder.
    const other = await loadConverted(dir, sha256);
    if (other !== undefined) return result(other, false);
    throw error;
  }
  step(4);
  return result({ graphs: { ...graphs, signatures: manifestSignatures(manifest) }, manifest }, false);
}
