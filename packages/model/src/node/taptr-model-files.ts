// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { OPSET_VERSION } from '@taptr/onnx';
import { describeValue, invalidArgument, TaptrError } from '@taptr/tensor';
import { parseTaptrConfig, RELEASED_CONFIG, taptrConfigToJson, type TaptrConfig } from '../config/taptr-config.js';
import { readTaptrCheckpoint } from '../checkpoint/taptr-checkpoint.js';
import {
  TAPTR_GRAPH_FILES,
  TAPTR_GRAPH_ROLES,
  TAPTR_OPTIONAL_GRAPH_ROLES,
  type TaptrGraphRole,
  type TaptrGraphs,
  type TaptrOptionalGraphRole,
} from '../format/graph-roles.js';
import {
  TAPTR_MODEL_FORMAT,
  TAPTR_MODEL_FORMAT_VERSION,
  TAPTR_MODEL_MANIFEST,
  type TaptrManifestGraph,
  type TaptrModelManifest,
} from '../format/taptr-manifest.js';
import {
  isTaptrInt8Weights,
  isTaptrPrecision,
  TAPTR_INT8_WEIGHTS,
  TAPTR_PRECISIONS,
  type TaptrInt8Weights,
  type TaptrPrecision,
} from '../format/taptr-precision.js';
import { buildTaptrGraphs, graphSignature, type BuildTaptrGraphsOptions } from '../graphs/taptr-graphs.js';
import { applyTaptrPrecision } from '../graphs/taptr-precision.js';
import { writeFilesAtomically } from './write-files-atomically.js';

/** Lower-case hex sha256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Options of {@link saveTaptrModel}. */
export interface SaveTaptrModelOptions {
  /** Lower-case hex sha256 of the source checkpoint, recorded as `source.sha256`. */
  readonly sourceSha256?: string;
  /**
   * The variant `graphs` were made with (`applyTaptrPrecision(graphs, precision)`), recorded as
   * `precision` in `model.json`. Default `'fp32'`. Only recorded: the graphs are written as given.
   */
  readonly precision?: TaptrPrecision;
  /**
   * The weight type of `int8` graphs, recorded as `int8Weights` in `model.json` (only with precision
   * `int8`). Default: `graphs.int8Weights` (set by `applyTaptrPrecision` and `withInt8Weights`), else
   * `'uint8'`. Only recorded: the graphs are written as given.
   */
  readonly int8Weights?: TaptrInt8Weights;
}

function precisionList(): string {
  return `one of ${TAPTR_PRECISIONS.map((p) => `'${p}'`).join(', ')}`;
}

/**
 * Writes the three graphs as `frame_encoder.onnx`, `query_init.onnx`, `decoder_window.onnx`, the
 * few-points decoder `decoder_window_sample_first.onnx` when `graphs` has it, plus a `model.json`
 * manifest (configuration, files with size and sha256, each graph's inputs/outputs, the source
 * checkpoint's sha256, the `precision` variant and for `int8` the `int8Weights` type) into `dir` (created if needed). All or nothing: the
 * files are written under temporary names and renamed at the end, so a failure leaves no new
 * folder behind and an existing folder as it was.
 * @returns the manifest written.
 * @throws TypeError when a graph is not ONNX bytes; RangeError when `decoderWindowSampleFirst` does
 *   not declare the inputs and outputs of `decoderWindow`, or `options.precision` is not a precision.
 * @throws TaptrError `TAPTR_IO` when a file cannot be written (nothing left behind).
 */
export async function saveTaptrModel(dir: string, graphs: TaptrGraphs, options: SaveTaptrModelOptions = {}): Promise<TaptrModelManifest> {
  if (typeof dir !== 'string' || dir === '') throw invalidArgument('type', 'saveTaptrModel', 'dir', 'a folder path', describeValue(dir));
  const precision = options.precision ?? 'fp32';
  if (!isTaptrPrecision(precision)) throw invalidArgument('range', 'saveTaptrModel', 'options.precision', precisionList(), describeValue(precision));
  if (options.int8Weights !== undefined && (precision !== 'int8' || !isTaptrInt8Weights(options.int8Weights))) {
    const expected =
      precision === 'int8' ? TAPTR_INT8_WEIGHTS.map((w) => `'${w}'`).join(' or ') : "absent (int8 weights exist only with options.precision 'int8')";
    throw invalidArgument('range', 'saveTaptrModel', 'options.int8Weights', expected, describeValue(options.int8Weights));
  }
  const int8Weights = precision === 'int8' ? (options.int8Weights ?? graphs.int8Weights ?? 'uint8') : undefined;
  if (options.sourceSha256 !== undefined && !/^[0-9a-f]{64}$/.test(options.sourceSha256)) {
    throw invalidArgument('range', 'saveTaptrModel', 'options.sourceSha256', '64 lower-case hex digits', describeValue(options.sourceSha256));
  }
  const entries = {} as Record<TaptrGraphRole, TaptrManifestGraph> & Partial<Record<TaptrOptionalGraphRole, TaptrManifestGraph>>;
  const roles = [...TAPTR_GRAPH_ROLES, ...TAPTR_OPTIONAL_GRAPH_ROLES.filter((role) => graphs[role] !== undefined)];
  for (const role of roles) {
    const bytes = graphs[role];
    if (!(bytes instanceof Uint8Array))
      throw invalidArgument('type', 'saveTaptrModel', `graphs.${role}`, 'ONNX model bytes (Uint8Array)', describeValue(bytes));
    entries[role] = { file: TAPTR_GRAPH_FILES[role], bytes: bytes.length, sha256: sha256Hex(bytes), ...graphSignature(bytes) };
  }
  const fast = entries.decoderWindowSampleFirst;
  if (fast !== undefined) {
    // The tracker swaps the two decoders per window: they must take and give the same tensors.
    const io = (e: TaptrManifestGraph): string => JSON.stringify([e.inputs, e.outputs]);
    if (io(fast) !== io(entries.decoderWindow)) {
      const names = (e: TaptrManifestGraph): string =>
        `(${(e.inputs ?? []).map((v) => v.name).join(', ')}) -> (${(e.outputs ?? []).map((v) => v.name).join(', ')})`;
      throw invalidArgument(
        'range',
        'saveTaptrModel',
        'graphs.decoderWindowSampleFirst',
        'a decoder window graph with the inputs and outputs of graphs.decoderWindow',
        `a graph ${names(fast)}`,
      );
    }
  }
  const manifest: TaptrModelManifest = {
    format: TAPTR_MODEL_FORMAT,
    version: TAPTR_MODEL_FORMAT_VERSION,
    opset: OPSET_VERSION,
    config: taptrConfigToJson(graphs.config),
    source: { sha256: options.sourceSha256 ?? null },
    precision,
    ...(int8Weights === undefined ? {} : { int8Weights }),
    graphs: entries,
  };
  try {
    await writeFilesAtomically(dir, [
      ...roles.map((role) => [TAPTR_GRAPH_FILES[role], graphs[role]!] as const),
      [TAPTR_MODEL_MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`] as const,
    ]);
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `saveTaptrModel: cannot write to ${dir}: ${(error as Error).message}`, { cause: error });
  }
  return manifest;
}

/** Options of {@link convertTaptrCheckpoint}. */
export interface ConvertCheckpointOptions extends BuildTaptrGraphsOptions {
  /** The model configuration. Defaults to {@link RELEASED_CONFIG}. */
  readonly config?: TaptrConfig;
  /** Numeric variant applied with `applyTaptrPrecision` and recorded in `model.json`. Default `'fp32'`. */
  readonly precision?: TaptrPrecision;
  /** Weight type of the `int8` precision (`applyTaptrPrecision`'s `int8Weights`), recorded in `model.json`. Default `'uint8'`. */
  readonly int8Weights?: TaptrInt8Weights;
}

/**
 * Converts an official checkpoint file (`.pth`) into a model folder: reads the state dict
 * (`ema_model`, else `model`), checks it against the configuration, builds the graphs and saves them
 * with the checkpoint's sha256 in the manifest.
 * @throws TaptrError `TAPTR_IO`, `TAPTR_CHECKPOINT_FORMAT`, `TAPTR_CHECKPOINT_MISMATCH`.
 */
export async function convertTaptrCheckpoint(checkpointPath: string, outDir: string, options: ConvertCheckpointOptions = {}): Promise<TaptrModelManifest> {
  const config = options.config ?? RELEASED_CONFIG;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(checkpointPath));
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `convertTaptrCheckpoint: cannot read ${checkpointPath}: ${(error as Error).message}`, { cause: error });
  }
  const stateDict = readTaptrCheckpoint(bytes, { config });
  const precision = options.precision ?? 'fp32';
  if (!isTaptrPrecision(precision)) throw invalidArgument('range', 'convertTaptrCheckpoint', 'options.precision', precisionList(), describeValue(precision));
  const graphs = applyTaptrPrecision(buildTaptrGraphs(stateDict, config, options), precision, {
    ...(options.int8Weights !== undefined ? { int8Weights: options.int8Weights } : {}),
  });
  return saveTaptrModel(outDir, graphs, { sourceSha256: sha256Hex(bytes), precision });
}

/**
 * Reads a model configuration JSON file with the official keys (like the reference fixtures'
 * `config.json`) and parses it with `parseTaptrConfig`.
 * @throws TaptrError `TAPTR_IO` when the file cannot be read, `TAPTR_CONFIG_INVALID` for invalid JSON
 *   or an invalid configuration (naming the key).
 */
export async function readTaptrConfigFile(path: string): Promise<TaptrConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `readTaptrConfigFile: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TaptrError('TAPTR_CONFIG_INVALID', `readTaptrConfigFile: ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseTaptrConfig(json);
}
