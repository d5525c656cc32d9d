// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument, TaptrError } from '@taptr/tensor';
import type { TaptrManifestGraph } from './taptr-manifest.js';

/**
 * Reads one file of a model folder by its name in the folder (`model.json`, `frame_encoder.onnx`...).
 * `entry` is the file's `model.json` entry (size and sha256) for graph files: readers may use it
 * (a cache keyed by sha256, download progress) and may ignore it; `loadTaptrModel` checks the bytes
 * against it either way.
 * @throws TaptrError `TAPTR_IO` (or `TAPTR_NETWORK`) naming the file when it cannot be read.
 */
export type ModelFileReader = (name: string, entry?: TaptrManifestGraph) => Promise<Uint8Array>;

/**
 * A {@link ModelFileReader} over files already in memory (by name; text is read as UTF-8), e.g. a
 * model the page sent to its worker.
 * @param where - how the folder is named in messages.
 */
export function memoryModelReader(files: Readonly<Record<string, Uint8Array | string>>, where = 'the model files'): ModelFileReader {
  if (files === null || typeof files !== 'object')
    throw invalidArgument('type', 'memoryModelReader', 'files', 'an object of file name -> bytes or text', describeValue(files));
  return async (name) => {
    const file = Object.hasOwn(files, name) ? files[name] : undefined;
    if (file === undefined) throw new TaptrError('TAPTR_IO', `loadTaptrModel: ${name} is not among ${where} (${Object.keys(files).join(', ') || 'none'})`);
    return typeof file === 'string' ? new TextEncoder().encode(file) : file;
  };
}

/**
 * A {@link ModelFileReader} over picked files (`<input type="file" multiple>` or a dropped folder:
 * `model.json` and the `.onnx` files it lists, matched by name).
 */
export function fileListModelReader(files: Iterable<File>): ModelFileReader {
  const byName = new Map([...files].map((f) => [f.name, f]));
  return async (name) => {
    const file = byName.get(name);
    if (file === undefined) {
      const picked = [...byName.keys()].join(', ') || 'nothing';
      throw new TaptrError(
        'TAPTR_IO',
        `loadTaptrModel: ${name} was not selected (select every file of the model folder: model.json and the .onnx files it lists; got ${picked})`,
      );
    }
    try {
      return new Uint8Array(await file.arrayBuffer());
    } catch (error) {
      throw new TaptrError('TAPTR_IO', `loadTaptrModel: cannot read ${name}: ${(error as Error).message}`, { cause: error });
    }
  };
}

/** Options of {@link fetchModelReader}. */
export interface FetchModelReaderOptions {
  /** The `fetch` to use (default: the global one). */
  readonly fetch?: typeof fetch;
  /** `fetch` options of every request (headers, cache mode, signal...). */
  readonly init?: RequestInit;
  /** Called as each file's bytes arrive (streamed): the file name and the bytes received so far. */
  readonly onProgress?: (name: string, loaded: number) => void;
}

/** The body of `response`, read chunk by chunk (reporting the bytes received) into one array. */
async function readBody(response: Response, onChunk: ((loaded: number) => void) | undefined): Promise<Uint8Array> {
  if (response.body === null || onChunk === undefined) return new Uint8Array(await response.arrayBuffer());
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onChunk(loaded);
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * A {@link ModelFileReader} over a model folder served at `base` (a URL ending in `/`; each file is
 * `new URL(name, base)`).
 * @throws TypeError when `base` is not an absolute URL.
 */
export function fetchModelReader(base: string | URL, options: FetchModelReaderOptions = {}): ModelFileReader {
  let root: URL;
  try {
    root = new URL(base);
  } catch {
    throw invalidArgument('type', 'fetchModelReader', 'base', 'an absolute URL of the model folder', describeValue(base));
  }
  const get = options.fetch ?? globalThis.fetch;
  return async (name) => {
    const url = new URL(name, root).href;
    let response: Response;
    try {
      response = await get(url, options.init);
    } catch (error) {
      throw new TaptrError('TAPTR_NETWORK', `loadTaptrModel: cannot download ${url}: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok)
      throw new TaptrError(response.status === 404 ? 'TAPTR_IO' : 'TAPTR_NETWORK', `loadTaptrModel: cannot download ${url}: HTTP ${response.status}`);
    try {
      return await readBody(response, options.onProgress && ((loaded) => options.onProgress!(name, loaded)));
    } catch (error) {
      throw new TaptrError('TAPTR_NETWORK', `loadTaptrModel: cannot download ${url}: ${(error as Error).message}`, { cause: error });
    }
  };
}
