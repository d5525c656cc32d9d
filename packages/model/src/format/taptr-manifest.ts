// SPDX-License-Identifier: Apache-2.0
// The `model.json` manifest of a converted model folder: its shape and its reader. Pure (no file
// system, no protobuf): loadTaptrModel reads the text, this checks every field.
import { describeValue, isDType, TaptrError } from '@taptr/tensor';
import { parseTaptrConfig } from '../config/taptr-config.js';
import { TAPTR_GRAPH_ROLES, TAPTR_OPTIONAL_GRAPH_ROLES, type TaptrAnyGraphRole, type TaptrGraphRole, type TaptrOptionalGraphRole } from './graph-roles.js';
import type { GraphSignature, GraphValueInfo } from './graph-signature.js';
import { isTaptrInt8Weights, isTaptrPrecision, TAPTR_INT8_WEIGHTS, TAPTR_PRECISIONS, type TaptrInt8Weights, type TaptrPrecision } from './taptr-precision.js';

/** Name of the manifest of a saved model folder. */
export const TAPTR_MODEL_MANIFEST = 'model.json';
/** `format` field of the manifest. */
export const TAPTR_MODEL_FORMAT = 'taptr-js-model';
/** Manifest version written by this package. */
export const TAPTR_MODEL_FORMAT_VERSION = 1;

/** One graph entry of the manifest. */
export interface TaptrManifestGraph {
  /** File name, relative to the model folder. */
  readonly file: string;
  readonly bytes: number;
  /** Lower-case hex sha256 of the file. */
  readonly sha256: string;
  /** The graph's name (`saveTaptrModel` writes it with the inputs and outputs). */
  readonly name?: string;
  /**
   * Declared inputs and outputs (name, element type, dims), written by `saveTaptrModel`. Both or
   * neither: entries without them (hand-written manifests) load, and the tracker then reads the
   * signature from the runtime session.
   */
  readonly inputs?: readonly GraphValueInfo[];
  readonly outputs?: readonly GraphValueInfo[];
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
   * existed have none; {@link parseTaptrManifest} reads them as `'fp32'`, and always returns the field.
   * The input resolution stays in `config` (`data_aug_scales`).
   */
  readonly precision: TaptrPrecision;
  /**
   * The element type of the quantized MatMul weights (see {@link TaptrInt8Weights}): only for the
   * `int8` precision. {@link parseTaptrManifest} returns it for every `int8` manifest (`'uint8'` for
   * those written before the field existed, the only type written then) and never for the others.
   */
  readonly int8Weights?: TaptrInt8Weights;
  /**
   * Per graph role. The three roles of `TAPTR_GRAPH_ROLES` are always present; the optional ones
   * (`decoderWindowSampleFirst`) only in folders that have that graph.
   */
  readonly graphs: Readonly<Record<TaptrGraphRole, TaptrManifestGraph>> & Readonly<Partial<Record<TaptrOptionalGraphRole, TaptrManifestGraph>>>;
}

/**
 * The graph roles `manifest` lists, in load order: the three required ones, then the optional ones
 * it has (`decoderWindowSampleFirst` in folders converted since it exists).
 */
export function listedGraphRoles(manifest: Pick<TaptrModelManifest, 'graphs'>): TaptrAnyGraphRole[] {
  return [...TAPTR_GRAPH_ROLES, ...TAPTR_OPTIONAL_GRAPH_ROLES.filter((role) => manifest.graphs[role] !== undefined)];
}

/** The graph signatures `manifest` lists (entries with inputs and outputs), by role: what `TaptrGraphs.signatures` holds. */
export function manifestSignatures(manifest: Pick<TaptrModelManifest, 'graphs'>): Partial<Record<TaptrAnyGraphRole, GraphSignature>> {
  const signatures: Partial<Record<TaptrAnyGraphRole, GraphSignature>> = {};
  for (const role of listedGraphRoles(manifest)) {
    const { name, inputs, outputs } = manifest.graphs[role]!;
    if (inputs !== undefined && outputs !== undefined) signatures[role] = { name: name ?? '', inputs, outputs };
  }
  return signatures;
}

const SHA256 = /^[0-9a-f]{64}$/;

type Json = Record<string, unknown>;
type Bad = (field: string, expected: string, actual: unknown) => TaptrError;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Parses and checks the text of a `model.json`: format and version, opset, configuration (with
 * `parseTaptrConfig`), source sha256, precision (absent = `'fp32'`), the int8 weight type (only
 * with precision `int8`; absent = `'uint8'`), and every graph entry (a plain
 * file name in the folder, its size and sha256, its declared inputs and outputs when listed; the
 * few-points decoder, when listed with inputs and outputs, with those of `decoderWindow`). Unknown
 * graph roles are dropped (a newer writer's extras).
 * @param text - the file's text.
 * @param where - the file's path or URL, for messages.
 * @throws TaptrError `TAPTR_CONFIG_INVALID` naming the file, the field and what it holds.
 */
export function parseTaptrManifest(text: string, where: string): TaptrModelManifest {
  const bad: Bad = (field, expected, actual) =>
    new TaptrError('TAPTR_CONFIG_INVALID', `loadTaptrModel: ${where}: ${field} must be ${expected}, got ${describeValue(actual)}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TaptrError('TAPTR_CONFIG_INVALID', `loadTaptrModel: ${where} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isObject(json) || json.format !== TAPTR_MODEL_FORMAT) {
    throw new TaptrError(
      'TAPTR_CONFIG_INVALID',
      `loadTaptrModel: ${where} is not a ${TAPTR_MODEL_FORMAT} manifest (format ${describeValue(isObject(json) ? json.format : json)})`,
    );
  }
  if (json.version !== TAPTR_MODEL_FORMAT_VERSION) {
    throw new TaptrError(
      'TAPTR_CONFIG_INVALID',
      `loadTaptrModel: ${where}: unsupported manifest version ${describeValue(json.version)} (expected ${TAPTR_MODEL_FORMAT_VERSION})`,
    );
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
  const int8Weights = precision === 'int8' && json.int8Weights === undefined ? 'uint8' : json.int8Weights;
  if (precision !== 'int8' && int8Weights !== undefined)
    throw bad('int8Weights', `absent for precision '${precision}' (int8 weights exist only in 'int8')`, int8Weights);
  if (int8Weights !== undefined && !isTaptrInt8Weights(int8Weights))
    throw bad('int8Weights', `one of ${TAPTR_INT8_WEIGHTS.map((w) => `'${w}'`).join(', ')} (or absent for 'uint8')`, int8Weights);
  if (!isObject(json.graphs)) throw bad('graphs', 'an object of graph entries', json.graphs);
  const graphs: Partial<Record<TaptrAnyGraphRole, TaptrManifestGraph>> = {};
  for (const role of [...TAPTR_GRAPH_ROLES, ...TAPTR_OPTIONAL_GRAPH_ROLES]) {
    const entry = json.graphs[role];
    if (entry === undefined && (TAPTR_OPTIONAL_GRAPH_ROLES as readonly string[]).includes(role)) continue;
    graphs[role] = graphEntry(entry, `graphs.${role}`, bad);
  }
  const fast = graphs.decoderWindowSampleFirst;
  const slow = graphs.decoderWindow!;
  // The tracker swaps the two decoders per window: when both are declared they must agree.
  if (fast?.inputs !== undefined && slow.inputs !== undefined && JSON.stringify([fast.inputs, fast.outputs]) !== JSON.stringify([slow.inputs, slow.outputs])) {
    throw bad('graphs.decoderWindowSampleFirst', 'a decoder window with the inputs and outputs of graphs.decoderWindow', {
      inputs: fast.inputs.map((v) => v.name),
      outputs: fast.outputs!.map((v) => v.name),
    });
  }
  return {
    format: TAPTR_MODEL_FORMAT,
    version: TAPTR_MODEL_FORMAT_VERSION,
    opset: json.opset,
    config: json.config,
    source: { sha256: source.sha256 },
    precision,
    ...(int8Weights === undefined ? {} : { int8Weights }),
    graphs: graphs as TaptrModelManifest['graphs'],
  };
}

function graphEntry(entry: unknown, field: string, bad: Bad): TaptrManifestGraph {
  if (!isObject(entry)) throw bad(field, 'a graph entry { file, bytes, sha256, name, inputs, outputs }', entry);
  const { file, bytes, sha256, name } = entry;
  // A plain name inside the model folder: no separators, no `.`/`..`, nothing a file system refuses.
  if (typeof file !== 'string' || file === '' || file === '.' || file === '..' || /[/\\\0]/.test(file))
    throw bad(`${field}.file`, 'a file name in the model folder', file);
  if (!isCount(bytes)) throw bad(`${field}.bytes`, 'a non-negative integer', bytes);
  if (typeof sha256 !== 'string' || !SHA256.test(sha256)) throw bad(`${field}.sha256`, '64 lower-case hex digits', sha256);
  if (name !== undefined && typeof name !== 'string') throw bad(`${field}.name`, 'a string', name);
  const { inputs, outputs } = entry;
  if (inputs === undefined && outputs === undefined) return { file, bytes, sha256, ...(name === undefined ? {} : { name }) };
  if (inputs === undefined || outputs === undefined) {
    const missing = inputs === undefined ? 'inputs' : 'outputs';
    throw bad(`${field}.${missing}`, `listed with ${missing === 'inputs' ? 'outputs' : 'inputs'} (both or neither)`, undefined);
  }
  return { file, bytes, sha256, name: name ?? '', inputs: valueInfos(inputs, `${field}.inputs`, bad), outputs: valueInfos(outputs, `${field}.outputs`, bad) };
}

function valueInfos(list: unknown, field: string, bad: Bad): GraphValueInfo[] {
  if (!Array.isArray(list) || list.length === 0) throw bad(field, 'a non-empty list of { name, type, dims }', list);
  return list.map((value, i) => {
    if (!isObject(value) || typeof value.name !== 'string' || value.name === '') throw bad(`${field}[${i}]`, 'a { name, type, dims } with a name', value);
    if (!isDType(value.type)) throw bad(`${field}[${i}].type`, 'an element type such as "float32"', value.type);
    const dims = value.dims;
    if (!Array.isArray(dims) || !dims.every((d) => isCount(d) || (typeof d === 'string' && d !== '')))
      throw bad(`${field}[${i}].dims`, 'a list of sizes or symbolic names', dims);
    return { name: value.name, type: value.type, dims: dims as (number | string)[] };
  });
}
