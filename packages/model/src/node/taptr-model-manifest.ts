// SPDX-License-Identifier: Apache-2.0
// The `model.json` manifest of a converted model folder: its shape and its reader. Pure (no file
// system): loadTaptrModel reads the text, this checks every field.
import { describeValue, isDType, TaptrError } from '@taptr/tensor';
import { parseTaptrConfig } from '../config/taptr-config.js';
import { TAPTR_GRAPH_ROLES, TAPTR_OPTIONAL_GRAPH_ROLES, type GraphSignature, type GraphValueInfo, type TaptrGraphRole, type TaptrOptionalGraphRole } from '../graphs/taptr-graphs.js';
import { isTaptrPrecision, TAPTR_PRECISIONS, type TaptrPrecision } from '../graphs/taptr-precision.js';

/** Name of the manifest of a saved model folder. */
export const TAPTR_MODEL_MANIFEST = 'model.json';
/** `format` field of the manifest. */
export const TAPTR_MODEL_FORMAT = 'taptr-js-model';
/** Manifest version written by this package. */
export const TAPTR_MODEL_FORMAT_VERSION = 1;

/** One graph entry of the manifest. */
export interface TaptrManifestGraph extends GraphSignature {
  /** File name, relative to the model folder. */
  readonly file: string;
  readonly bytes: number;
  /** Lower-case hex sha256 of the file. */
  readonly sha256: string;
}

/** The `model.json` manifest of a saved model folder. */
export interface TaptrModelManifest {
  readonly format: typeof TAPTR_MODEL_FORMAT;
  readonly version: number;
  readonly opset: number;
  /** The configuration in the official key form (see `parseTaptrConfig`). */
  readonly config: Record<string, unknown>;
  /** The checkpoint the graphs were built from (sha256 of the `.pth` file, when known). */
  readonly source: { readonly sha256: string | null };
  /**
   * The numeric variant of the graphs (`applyTaptrPrecision`). Manifests written before the field
   * existed have none; {@link parseTaptrModelManifest} reads them as `'fp32'`, and always returns the field.
   * The input resolution stays in `config` (`data_aug_scales`).
   */
  readonly precision: TaptrPrecision;
  /**
   * Per graph role. The three roles of `TAPTR_GRAPH_ROLES` are always present; the optional ones
   * (`decoderWindowSampleFirst`) only in folders that have that graph.
   */
  readonly graphs: Readonly<Record<TaptrGraphRole, TaptrManifestGraph>> & Readonly<Partial<Record<TaptrOptionalGraphRole, TaptrManifestGraph>>>;
}

const SHA256 = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Parses and checks the text of a `model.json`: format and version, opset, configuration (with
 * `parseTaptrConfig`), source sha256, precision (absent = `'fp32'`), and every graph entry (a plain
 * file name in the folder, its size and sha256, its declared inputs and outputs; the few-points
 * decoder, when listed, with the inputs and outputs of `decoderWindow`). Unknown graph roles are
 * dropped (a newer writer's extras).
 * @param text - the file's text.
 * @param where - the file's path, for messages.
 * @throws TaptrError `TAPTR_CONFIG_INVALID` naming the field and what it holds.
 */
export function parseTaptrModelManifest(text: string, where: string): TaptrModelManifest {
  const bad = (field: string, expected: string, actual: unknown): TaptrError =>
    new TaptrError('TAPTR_CONFIG_INVALID', `loadTaptrModel: ${where}: ${field} must be ${expected}, got ${describeValue(actual)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TaptrError('TAPTR_CONFIG_INVALID', `loadTaptrModel: ${where} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isObject(json) || json.format !== TAPTR_MODEL_FORMAT) {
    throw new TaptrError('TAPTR_CONFIG_INVALID', `loadTaptrModel: ${where} is not a ${TAPTR_MODEL_FORMAT} manifest (format ${describeValue(isObject(json) ? json.format : json)})`);
  }
  if (json.version !== TAPTR_MODEL_FORMAT_VERSION) {
    throw new TaptrError('TAPTR_CONFIG_INVALID', `loadTaptrModel: ${where}: unsupported manifest version ${describeValue(json.version)} (expected ${TAPTR_MODEL_FORMAT_VERSION})`);
  }
  if (!isCount(json.opset) || json.opset === 0) throw bad('opset', 'a positive integer', json.opset);
  if (!isObject(json.config)) throw bad('config', 'an object of configuration keys', json.config);
  try {
    parseTaptrConfig(json.config);
  } catch (error) {
    throw new TaptrError('TAPTR_CONFIG_INVALID', `loadTaptrModel: ${where}: config: ${(error as Error).message}`, { cause: error });
  }
  const source = json.source;
  if (!isObject(source) || !(source.sha256 === null || (typeof source.sha256 === 'string' && SHA256.test(source.sha256)))) {
    throw bad('source', '{ "sha256": 64 lower-case hex digits or null }', source);
  }
  const precision = json.precision === undefined ? 'fp32' : json.precision;
  if (!isTaptrPrecision(precision)) throw bad('precision', `one of ${TAPTR_PRECISIONS.map((p) => `'${p}'`).join(', ')} (or absent for 'fp32')`, json.precision);
  if (!isObject(json.graphs)) throw bad('graphs', 'an object of graph entries', json.graphs);
  const graphs: Partial<Record<TaptrGraphRole | TaptrOptionalGraphRole, TaptrManifestGraph>> = {};
  for (const role of [...TAPTR_GRAPH_ROLES, ...TAPTR_OPTIONAL_GRAPH_ROLES]) {
    const entry = json.graphs[role];
    if (entry === undefined && (TAPTR_OPTIONAL_GRAPH_ROLES as readonly string[]).includes(role)) continue;
    graphs[role] = graphEntry(entry, `graphs.${role}`, bad);
  }
  const fast = graphs.decoderWindowSampleFirst;
  if (fast !== undefined && JSON.stringify([fast.inputs, fast.outputs]) !== JSON.stringify([graphs.decoderWindow!.inputs, graphs.decoderWindow!.outputs])) {
    throw bad('graphs.decoderWindowSampleFirst', 'a decoder window with the inputs and outputs of graphs.decoderWindow', { inputs: fast.inputs.map((v) => v.name), outputs: fast.outputs.map((v) => v.name) });
  }
  return {
    format: TAPTR_MODEL_FORMAT,
    version: TAPTR_MODEL_FORMAT_VERSION,
    opset: json.opset,
    config: json.config,
    source: { sha256: source.sha256 as string | null },
    precision,
    graphs: graphs as TaptrModelManifest['graphs'],
  };
}

function graphEntry(entry: unknown, field: string, bad: (field: string, expected: string, actual: unknown) => TaptrError): TaptrManifestGraph {
  if (!isObject(entry)) throw bad(field, 'a graph entry { file, bytes, sha256, name, inputs, outputs }', entry);
  const { file, bytes, sha256, name } = entry;
  // A plain name inside the model folder: no separators, no `.`/`..`, nothing a file system refuses.
  if (typeof file !== 'string' || file === '' || file === '.' || file === '..' || /[/\\\0]/.test(file)) throw bad(`${field}.file`, 'a file name in the model folder', file);
  if (!isCount(bytes)) throw bad(`${field}.bytes`, 'a non-negative integer', bytes);
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) throw bad(`${field}.sha256`, '64 lower-case hex digits', sha256);
  if (typeof name !== 'string') throw bad(`${field}.name`, 'a string', name);
  return { file, bytes, sha256, name, inputs: valueInfos(entry.inputs, `${field}.inputs`, bad), outputs: valueInfos(entry.outputs, `${field}.outputs`, bad) };
}

function valueInfos(list: unknown, field: string, bad: (field: string, expected: string, actual: unknown) => TaptrError): GraphValueInfo[] {
  if (!Array.isArray(list) || list.length === 0) throw bad(field, 'a non-empty list of { name, type, dims }', list);
  return list.map((value, i) => {
    if (!isObject(value) || typeof value.name !== 'string' || value.name === '') throw bad(`${field}[${i}]`, 'a { name, type, dims } with a name', value);
    if (!isDType(value.type)) throw bad(`${field}[${i}].type`, 'an element type such as "float32"', value.type);
    const dims = value.dims;
    if (!Array.isArray(dims) || !dims.every((d) => isCount(d) || (typeof d === 'string' && d !== ''))) throw bad(`${field}[${i}].dims`, 'a list of sizes or symbolic names', dims);
    return { name: value.name, type: value.type, dims: dims as (number | string)[] };
  });
}
