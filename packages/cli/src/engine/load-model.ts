// SPDX-License-Identifier: Apache-2.0
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { buildTaptrGraphs, RELEASED_CONFIG, readTaptrCheckpoint, type TaptrConfig, type TaptrGraphs } from '@taptr/model';
import { loadTaptrModel } from '@taptr/model/format';
import { fsModelReader, loadPretrained, PRETRAINED_MODELS, readTaptrConfigFile, sha256Hex, type PretrainedProgress } from '@taptr/model/node';
import { isTaptrError, TaptrError } from '@taptr/tensor';
import { detectConfiguration } from './checkpoint-config.js';
import type { Backend } from './open-engine.js';
import { INT8_WEIGHTS_ENV, int8WeightsFromEnv, pickInt8Weights, suitInt8Weights } from './int8-weights-choice.js';

/** How {@link loadModel} fetches a model id (`--model taptr-v1`). */
export interface ModelSourceOptions {
  /** `HF_ENDPOINT`, `HF_TOKEN`, `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`, `TAPTR_CACHE` (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Download (bytes) and conversion (steps) progress of a model id. */
  readonly onProgress?: (progress: PretrainedProgress) => void;
  readonly signal?: AbortSignal;
  /**
   * The backend the model will run on (default `'cpu'`): an int8 model's weights are picked for it
   * (`pickInt8Weights`: by the CPU for `cpu`, u8u8 for `wasm` / `webgpu`).
   */
  readonly backend?: Backend;
}

/** A model ready for the tracker, with a description for reports. */
export interface LoadedModel {
  readonly graphs: TaptrGraphs;
  /**
   * `{ name, path, format, precision, resolution, hiddenDim, sourceSha256 }` for output files; int8
   * models add `int8Weights` (`{ weights, kernels, reason, stored, rewritten, ms }`: see `suitInt8Weights`).
   */
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
  const int8 = info['int8Weights'] as { kernels?: unknown; stored?: unknown; rewritten?: unknown } | undefined;
  const kernels =
    typeof int8?.kernels === 'string'
      ? ` ${int8.kernels}${int8.rewritten === true ? ` (rewritten from ${int8.stored === 'int8' ? 'u8s8' : 'u8u8'})` : ''}`
      : '';
  return `${typeof info['precision'] === 'string' ? info['precision'] : 'fp32'}${kernels} @ ${info['resolution']}`;
}

/**
 * An int8 model's graphs with the weights that suit this CPU (or `$TAPTR_INT8_WEIGHTS`), switched in
 * memory when the folder holds the other type, and the description's `int8Weights`.
 */
function suitCpu(graphs: TaptrGraphs, source: ModelSourceOptions): { graphs: TaptrGraphs; int8?: Readonly<Record<string, unknown>> } {
  if (graphs.int8Weights === undefined) return { graphs };
  const suited = suitInt8Weights(graphs, pickInt8Weights(int8WeightsFromEnv(source.env ?? process.env), `${INT8_WEIGHTS_ENV}=`, undefined, source.backend));
  return suited.info === undefined ? { graphs: suited.graphs } : { graphs: suited.graphs, int8: { ...suited.info } };
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
  const { manifest } = model;
  const { graphs, int8 } = suitCpu(model.graphs, source);
  return {
    graphs,
    info: {
      name: id,
      path: model.dir,
      format: 'taptr-js-model',
      pretrained: { id, url: model.checkpoint.url, sha256: model.checkpoint.sha256, trust: model.checkpoint.trust, cached: model.cached },
      precision: manifest.precision,
      ...(int8 !== undefined ? { int8Weights: int8 } : {}),
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
 * `info.precision` is the folder's `model.json` precision (`fp32` for a checkpoint). An `int8` model
 * gets the weights that suit this CPU (`pickInt8Weights`: u8s8 with VNNI, u8u8 without;
 * `$TAPTR_INT8_WEIGHTS` = `u8u8` / `u8s8` forces one), switched in memory at load when the folder holds
 * the other type (exact; `info.int8Weights` says what was used, why, and whether it was rewritten).
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
    const loaded = await loadTaptrModel(fsModelReader(path), { where: path });
    const { manifest } = loaded;
    const { graphs, int8 } = suitCpu(loaded.graphs, source);
    return {
      graphs,
      info: {
        name: basename(path),
        path,
        format: 'taptr-js-model',
        precision: manifest.precision,
        ...(int8 !== undefined ? { int8Weights: int8 } : {}),
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
