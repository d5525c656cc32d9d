// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument, isTaptrError, TaptrError } from '@taptr/tensor';
import { parseTaptrConfig } from '../config/taptr-config.js';
import type { TaptrAnyGraphRole, TaptrGraphs } from './graph-roles.js';
import type { ModelFileReader } from './model-file-reader.js';
import {
  listedGraphRoles,
  manifestSignatures,
  parseTaptrManifest,
  TAPTR_MODEL_MANIFEST,
  type TaptrManifestGraph,
  type TaptrModelManifest,
} from './taptr-manifest.js';

/** A model folder loaded by {@link loadTaptrModel}. */
export interface LoadedTaptrModel {
  /** The graphs, the configuration and the signatures `model.json` lists. */
  readonly graphs: TaptrGraphs;
  readonly manifest: TaptrModelManifest;
}

/** Options of {@link loadTaptrModel}. */
export interface LoadTaptrModelOptions {
  /**
   * `'sha256'` (default): each graph's size and sha256 are checked against `model.json`. `'size'`:
   * sizes only (bytes already checked elsewhere, e.g. by the page that sent them to its worker).
   */
  readonly verify?: 'sha256' | 'size';
  /** How the folder is named in messages (a path or URL); default `'the model folder'`. */
  readonly where?: string;
}

/** Lower-case hex sha256 of `bytes` (WebCrypto: Node.js and browsers alike). */
export async function sha256Digest(bytes: Uint8Array): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- needed where the DOM lib types BufferSource (the page, the worker), not under @types/node
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Checks one graph file's bytes against its `model.json` entry: the size, then (unless `verify` is
 * `'size'`) the sha256.
 * @throws TaptrError `TAPTR_CHECKSUM_MISMATCH` naming the file and both values.
 */
export async function checkModelFile(entry: TaptrManifestGraph, bytes: Uint8Array, verify: 'sha256' | 'size' = 'sha256'): Promise<void> {
  if (bytes.length !== entry.bytes) {
    throw new TaptrError('TAPTR_CHECKSUM_MISMATCH', `loadTaptrModel: ${entry.file} has ${bytes.length} bytes, model.json says ${entry.bytes}`);
  }
  if (verify === 'size') return;
  const actual = await sha256Digest(bytes);
  if (actual !== entry.sha256)
    throw new TaptrError('TAPTR_CHECKSUM_MISMATCH', `loadTaptrModel: ${entry.file} has sha256 ${actual}, model.json says ${entry.sha256}`);
}

async function readFile(read: ModelFileReader, name: string, where: string, entry?: TaptrManifestGraph): Promise<Uint8Array> {
  let bytes: unknown;
  try {
    bytes = await read(name, entry);
  } catch (error) {
    if (isTaptrError(error)) throw error;
    throw new TaptrError('TAPTR_IO', `loadTaptrModel: cannot read ${name} of ${where}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (!(bytes instanceof Uint8Array))
    throw new TaptrError('TAPTR_IO', `loadTaptrModel: the reader of ${where} gave ${describeValue(bytes)} for ${name}, not bytes`);
  return bytes;
}

/**
 * Loads a converted model folder (written by `saveTaptrModel` / `taptr convert`) through `read`, on
 * any platform: node's `fsModelReader(dir)`, {@link fetchModelReader}, {@link fileListModelReader},
 * {@link memoryModelReader}, or a reader of one's own (a cache). Parses and validates `model.json`
 * (every field, with {@link parseTaptrManifest}), reads the three graphs and the few-points decoder
 * when the manifest lists it (folders converted before it existed load without it), and checks
 * each against its entry ({@link LoadTaptrModelOptions.verify}). The graphs carry the signatures the
 * manifest lists (none for manifests without them: the tracker then asks the runtime session).
 * The returned manifest always has `precision` (`'fp32'` for manifests written without it), and
 * `int8Weights` when it is `int8` (`'uint8'` for manifests written without it; the graphs carry it too).
 * @throws TypeError when `read` is not a function.
 * @throws TaptrError `TAPTR_IO` for a file that cannot be read (naming it), `TAPTR_CONFIG_INVALID` for a
 *   malformed manifest or configuration or an unknown `precision`, `TAPTR_CHECKSUM_MISMATCH` for a graph
 *   file that does not match its manifest entry.
 */
export async function loadTaptrModel(read: ModelFileReader, options: LoadTaptrModelOptions = {}): Promise<LoadedTaptrModel> {
  if (typeof read !== 'function')
    throw invalidArgument('type', 'loadTaptrModel', 'read', 'a model file reader (name) => Promise<Uint8Array>', describeValue(read));
  const verify = options.verify ?? 'sha256';
  if (verify !== 'sha256' && verify !== 'size') throw invalidArgument('range', 'loadTaptrModel', 'options.verify', "'sha256' or 'size'", describeValue(verify));
  const where = options.where ?? 'the model folder';
  const manifestWhere = options.where === undefined ? TAPTR_MODEL_MANIFEST : `${where.replace(/\/$/, '')}/${TAPTR_MODEL_MANIFEST}`;
  const manifest = parseTaptrManifest(new TextDecoder().decode(await readFile(read, TAPTR_MODEL_MANIFEST, where)), manifestWhere);
  const config = parseTaptrConfig(manifest.config);
  const graphs: Partial<Record<TaptrAnyGraphRole, Uint8Array>> = {};
  for (const role of listedGraphRoles(manifest)) {
    const entry = manifest.graphs[role]!;
    const bytes = await readFile(read, entry.file, where, entry);
    await checkModelFile(entry, bytes, verify);
    graphs[role] = bytes;
  }
  const signatures = manifestSignatures(manifest);
  const { frameEncoder, queryInit, decoderWindow, decoderWindowSampleFirst } = graphs;
  return {
    graphs: {
      frameEncoder: frameEncoder!,
      queryInit: queryInit!,
      decoderWindow: decoderWindow!,
      ...(decoderWindowSampleFirst === undefined ? {} : { decoderWindowSampleFirst }),
      config,
      ...(manifest.int8Weights === undefined ? {} : { int8Weights: manifest.int8Weights }),
      ...(Object.keys(signatures).length === 0 ? {} : { signatures }),
    },
    manifest,
  };
}
