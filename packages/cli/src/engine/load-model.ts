// SPDX-License-Identifier: Apache-2.0
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { buildTaptrGraphs, RELEASED_CONFIG, readTaptrCheckpoint, type TaptrConfig, type TaptrGraphs } from '@taptr/model';
import { loadTaptrModel } from '@taptr/model/format';
import { fsModelReader, loadPretrained, PRETRAINED_MODELS, readTaptrConfigFile, sha256Hex, type PretrainedProgress } from '@taptr/model/node';
import { isTaptrError, TaptrError } from '@taptr/tensor';
import { detectConfiguration } from './checkpoint-config.js';

/** How {@link loadModel} fetches a model id (`--model taptr-v1`). */
export interface ModelSourceOptions {
  /** `HF_ENDPOINT`, `HF_TOKEN`, `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`, `TAPTR_CACHE` (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Download (bytes) and conversion (steps) progress of a model id. */
  readonly onProgress?: (progress: PretrainedProgress) => void;
  readonly signal?: AbortSignal;
}

/** A model ready for the tracker, with a description for reports. */
export interface LoadedModel {
  readonly graphs: TaptrGraphs;
  /** `{ name, path, format, precision, resolution, hiddenDim, sourceSha256 }` for output files. */
  readonly info: Readonly<Record<string, unknown>>;
}

/**
 * Reads a `--config` JSON (keys of the reference `config.json`) with `@taptr/model`'s reader; errors
 * are prefixed with the flag so the user knows which argument is wrong.
 * @throws TaptrError `TAPTR_IO` when unreadable, `TAPTR_CONFIG_INVALID` when not valid JSON or not a TAPTR configuration.
 */
export async function readConfigFile(path: string): Promise<TaptrConfig> {
  try {
    return await readTaptrConfigFile(path);
  } catch (error) {
    if (!isTaptrError(error)) throw error;
    const detail = error.message.replace(/^readTaptrConfigFile: /, '');
    throw new TaptrError(error.code, detail.includes(path) ? `--config: ${detail}` : `--config ${path}: ${detail}`, { cause: error });
  }
}

/**
 * `fp32 @ 512`: the precision and input resolution of a model description ({@link LoadedModel.info}),
 * or `undefined` when it has neither (baselines).
 */
export function describeModelVariant(info: Readonly<Record<string, unknown>>): string | undefined {
  if (typeof info['resolution'] !== 'number') return undefined;
  return `${typeof info['precision'] === 'string' ? info['precision'] : 'fp32'} @ ${info['resolution']}`;
}

/**
 * `--model taptr-v1`: `loadPretrained` (downloaded, checked, converted and cached on first use; then
 * loaded from the cache), with `--config` as the checkpoint's configuration when given.
 */
async function loadModelId(id: string, configPath: string | undefined, source: ModelSourceOptions): Promise<LoadedModel> {
  const config = configPath !== undefined ? await readConfigFile(configPath) : undefined;
  const model = await loadPretrained(id, {
    ...(source.env !== undefined ? { env: source.env } : {}),
    ...(source.onProgress !== undefined ? { onProgress: source.onProgress } : {}),
    ...(source.signal !== undefined ? { signal: source.signal } : {}),
    ...(config !== undefined ? { config } : {}),
  });
  const { graphs, manifest } = model;
  return {
    graphs,
    info: {
      name: id,
      path: model.dir,
      format: 'taptr-js-model',
      pretrained: { id, url: model.checkpoint.url, sha256: model.checkpoint.sha256, trust: model.checkpoint.trust, cached: model.cached },
      precision: manifest.precision,
      resolution: graphs.config.resolution,
      hiddenDim: graphs.config.hiddenDim,
      sourceSha256: manifest.source.sha256,
    },
  };
}

/**
 * Loads `--model`: a model id (`taptr-v1`, when no file or folder has that name: see
 * `loadPretrained`), a folder written by `taptr convert` (`model.json` + graphs, checksums verified),
 * or an official `.pth` checkpoint converted in memory with `--config` (default: the released
 * configuration, which the checkpoint's shapes must then show: {@link detectConfiguration}).
 * `info.precision` is the folder's `model.json` precision (`fp32` for a checkpoint).
 * @throws TaptrError `TAPTR_IO`, `TAPTR_CHECKPOINT_FORMAT`, `TAPTR_CHECKPOINT_MISMATCH`, `TAPTR_CONFIG_INVALID`;
 *   UsageError when a checkpoint that is not the released configuration comes without `--config`.
 */
export async function loadModel(path: string, configPath?: string, source: ModelSourceOptions = {}): Promise<LoadedModel> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (error) {
    if (Object.hasOwn(PRETRAINED_MODELS, path)) return loadModelId(path, configPath, source);
    // A bare name (no folder, no extension) may have been meant as a model id.
    const hint = /^[\w.-]+$/.test(path) && !/\.\w+$/.test(path) ? ` (nor a model id: ${Object.keys(PRETRAINED_MODELS).join(', ')})` : '';
    throw new TaptrError('TAPTR_IO', `--model ${path}: no such file or folder${hint}`, { cause: error });
  }
  if (isDir) {
    if (configPath !== undefined)
      throw new TaptrError(
        'TAPTR_INVALID_ARGUMENT',
        `--config applies to a .pth checkpoint; ${path} is a converted model folder that holds its own configuration`,
      );
    const { graphs, manifest } = await loadTaptrModel(fsModelReader(path), { where: path });
    return {
      graphs,
      info: {
        name: basename(path),
        path,
        format: 'taptr-js-model',
        precision: manifest.precision,
        resolution: graphs.config.resolution,
        hiddenDim: graphs.config.hiddenDim,
        sourceSha256: manifest.source.sha256,
      },
    };
  }
  const given = configPath !== undefined ? await readConfigFile(configPath) : undefined;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `--model ${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  const stateDict = readTaptrCheckpoint(bytes);
  detectConfiguration(`--model ${path}`, stateDict, given, configPath);
  const config = given ?? RELEASED_CONFIG;
  const graphs = buildTaptrGraphs(stateDict, config);
  return {
    graphs,
    info: {
      name: basename(path),
      path,
      format: 'checkpoint',
      precision: 'fp32',
      resolution: config.resolution,
      hiddenDim: config.hiddenDim,
      sourceSha256: sha256Hex(bytes),
    },
  };
}
