// SPDX-License-Identifier: Apache-2.0
// Converted models kept in the browser's Cache API, so that the second load of a model (from a URL
// or from disk) needs no network and no file picking. Models are read by @taptr/model/format's
// loadTaptrModel through a reader over the cache and the network; graphs are stored by their sha256
// (from model.json) and checked against it on every read (checkModelFile); a damaged entry is dropped
// and downloaded again. Manifests are stored under the model's URL (URL models) or a key of their own
// (models from disk), listed in a small index.
import {
  checkModelFile,
  fetchModelReader,
  listedGraphRoles,
  loadTaptrModel,
  parseTaptrManifest,
  TAPTR_MODEL_MANIFEST,
  type LoadedTaptrModel,
  type ModelFileReader,
  type TaptrManifestGraph,
  type TaptrModelManifest,
} from '@taptr/model/format';

/** The Cache API cache the page uses. */
const MODEL_CACHE = 'taptr-models-v1';

/** Progress of a model load: one graph file's bytes. */
export interface ModelLoadProgress {
  readonly file: string;
  /** Files done before this one, and the number of files. */
  readonly fileIndex: number;
  readonly files: number;
  readonly loaded: number;
  readonly total: number;
  readonly fromCache: boolean;
}

/** A model ready to send to the worker. */
export interface LoadedModel extends LoadedTaptrModel {
  /** Identifies the model (its graphs' sha256). */
  readonly id: string;
  /** Shown to the user and written into the tracks file. */
  readonly name: string;
  /** Graph files read from the cache, and in all. */
  readonly cachedFiles: number;
  readonly files: number;
  /** Set when the Cache API could not be used (why). */
  readonly cacheNote?: string;
}

/** An entry of the cache's model list. */
interface CachedModel {
  readonly key: string;
  readonly name: string;
  readonly kind: 'url' | 'disk';
}

/** The model cache (see the file header). */
export interface ModelStore {
  /** False where the Cache API is missing (not a secure context): models load, but are not kept. */
  readonly available: boolean;
  /** Loads the model folder at `base` (a URL ending in `/`): manifest from the network (the cached one when offline), graphs from the cache when there. */
  loadUrl(base: string, options?: { readonly name?: string; readonly onProgress?: (p: ModelLoadProgress) => void }): Promise<LoadedModel>;
  /** Keeps a model read from disk (already checked by `loadTaptrModel(fileListModelReader(files))`) and returns it. */
  keepFolder(folder: LoadedTaptrModel, name: string): Promise<LoadedModel>;
  /** The models in the cache. */
  list(): Promise<CachedModel[]>;
  /** Loads a cached model without network. */
  loadCached(key: string, onProgress?: (p: ModelLoadProgress) => void): Promise<LoadedModel>;
}

const PREFIX = '.taptr-model-cache/';

function modelId(manifest: TaptrModelManifest): string {
  return `sha256:${listedGraphRoles(manifest)
    .map((role) => manifest.graphs[role]!.sha256.slice(0, 16))
    .join('-')}`;
}

/** Downloads `file` of the model folder at `base` with progress (@taptr/model/format's reader). @throws TaptrError naming the URL. */
function download(base: string, file: string, onChunk: (loaded: number) => void): Promise<Uint8Array> {
  return fetchModelReader(base, { onProgress: (_, loaded) => onChunk(loaded) })(file);
}

/** Creates the model store of the page at `origin` (e.g. `location.origin`). */
export function createModelStore(origin: string, cacheName = MODEL_CACHE): ModelStore {
  const available = typeof globalThis.caches !== 'undefined';
  const key = (path: string): string => new URL(PREFIX + path, `${origin}/`).href;
  const graphKey = (sha: string): string => key(`sha256/${sha}`);
  const indexKey = key('index.json');
  const open = (): Promise<Cache> => caches.open(cacheName);

  async function readIndex(cache: Cache): Promise<CachedModel[]> {
    const hit = await cache.match(indexKey);
    if (hit === undefined) return [];
    try {
      const list = (await hit.json()) as CachedModel[];
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  }

  async function remember(cache: Cache, entry: CachedModel): Promise<void> {
    const list = (await readIndex(cache)).filter((e) => e.key !== entry.key);
    list.unshift(entry);
    await cache.put(indexKey, new Response(JSON.stringify(list), { headers: { 'content-type': 'application/json' } }));
  }

  /**
   * Loads the model whose `model.json` text is `text` with `loadTaptrModel`, each graph from the cache
   * by its sha256 when there and intact, else from `fetchGraph` (then cached). The reader checks
   * every graph's size and sha256 itself (a damaged cache entry is dropped and fetched again), so
   * `loadTaptrModel` checks the sizes only.
   */
  async function loadThrough(
    text: string,
    where: string,
    cache: Cache | undefined,
    fetchGraph: ((file: string, onChunk: (loaded: number) => void) => Promise<Uint8Array>) | undefined,
    onProgress: ((p: ModelLoadProgress) => void) | undefined,
  ): Promise<{ loaded: LoadedTaptrModel; cachedFiles: number }> {
    const files = listedGraphRoles(parseTaptrManifest(text, where)).length;
    let fileIndex = 0;
    let cachedFiles = 0;
    const read: ModelFileReader = async (name: string, entry?: TaptrManifestGraph) => {
      if (entry === undefined) {
        if (name !== TAPTR_MODEL_MANIFEST) throw new Error(`${name} is not a file of the model`);
        return new TextEncoder().encode(text);
      }
      const index = fileIndex++;
      const report = (loaded: number, fromCache: boolean): void =>
        onProgress?.({ file: entry.file, fileIndex: index, files, loaded, total: entry.bytes || loaded, fromCache });
      const hit = await cache?.match(graphKey(entry.sha256));
      if (hit !== undefined) {
        const cached = new Uint8Array(await hit.arrayBuffer());
        try {
          await checkModelFile(entry, cached);
          cachedFiles += 1;
          report(cached.length, true);
          return cached;
        } catch {
          await cache!.delete(graphKey(entry.sha256));
        }
      }
      if (fetchGraph === undefined) throw new Error(`${entry.file} is no longer in the browser cache: load the model from its URL or folder again`);
      const bytes = await fetchGraph(entry.file, (loaded) => report(loaded, false));
      await checkModelFile(entry, bytes);
      if (cache !== undefined) await cache.put(graphKey(entry.sha256), new Response(bytes as Uint8Array<ArrayBuffer>));
      return bytes;
    };
    const loaded = await loadTaptrModel(read, { where, verify: 'size' });
    return { loaded, cachedFiles };
  }

  const loaded = (model: LoadedTaptrModel, name: string, cachedFiles: number, cacheNote?: string): LoadedModel => ({
    ...model,
    id: modelId(model.manifest),
    name,
    cachedFiles,
    files: listedGraphRoles(model.manifest).length,
    ...(cacheNote === undefined ? {} : { cacheNote }),
  });

  async function cacheOrNote(): Promise<{ cache?: Cache; note?: string }> {
    if (!available) return { note: 'the Cache API is not available here (not a secure context): the model is not kept' };
    try {
      return { cache: await open() };
    } catch (error) {
      return { note: `the browser cache cannot be opened (${(error as Error).message}): the model is not kept` };
    }
  }

  return {
    available,
    async loadUrl(base, options = {}) {
      const manifestUrl = new URL('model.json', base).href;
      const { cache, note } = await cacheOrNote();
      let text: string | undefined;
      let networkError: unknown;
      try {
        const response = await fetch(manifestUrl, { cache: 'no-cache' });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        text = await response.text();
      } catch (error) {
        networkError = error;
      }
      if (text === undefined && cache !== undefined) text = await (await cache.match(manifestUrl))?.text();
      if (text === undefined) throw new Error(`cannot load ${manifestUrl}: ${(networkError as Error)?.message ?? networkError}`);
      const fetchGraph = (file: string, onChunk: (loaded: number) => void): Promise<Uint8Array> => download(base, file, onChunk);
      const { loaded: model, cachedFiles } = await loadThrough(text, base, cache, fetchGraph, options.onProgress);
      const name = options.name ?? `converted model from ${base}`;
      if (cache !== undefined) {
        await cache.put(manifestUrl, new Response(text, { headers: { 'content-type': 'application/json' } }));
        await remember(cache, { key: manifestUrl, name, kind: 'url' });
      }
      return loaded(model, name, cachedFiles, note);
    },
    async keepFolder(folder, name) {
      const { cache, note } = await cacheOrNote();
      if (cache !== undefined) {
        for (const role of listedGraphRoles(folder.manifest)) {
          await cache.put(graphKey(folder.manifest.graphs[role]!.sha256), new Response(folder.graphs[role] as Uint8Array<ArrayBuffer>));
        }
        const manifestKey = key(`disk/${modelId(folder.manifest)}/model.json`);
        await cache.put(manifestKey, new Response(JSON.stringify(folder.manifest), { headers: { 'content-type': 'application/json' } }));
        await remember(cache, { key: manifestKey, name, kind: 'disk' });
      }
      return loaded(folder, name, 0, note);
    },
    async list() {
      if (!available) return [];
      return readIndex(await open());
    },
    async loadCached(manifestKey, onProgress) {
      if (!available) throw new Error('the Cache API is not available here');
      const cache = await open();
      const entry = (await readIndex(cache)).find((e) => e.key === manifestKey);
      const text = await (await cache.match(manifestKey))?.text();
      if (entry === undefined || text === undefined) throw new Error(`the browser cache has no model ${manifestKey}`);
      // A URL model whose graph went missing is fetched again from its folder; a disk model cannot be.
      const base = entry.kind === 'url' ? new URL('.', manifestKey).href : undefined;
      const fetchGraph =
        base === undefined ? undefined : (file: string, onChunk: (loaded: number) => void): Promise<Uint8Array> => download(base, file, onChunk);
      const { loaded: model, cachedFiles } = await loadThrough(text, entry.name, cache, fetchGraph, onProgress);
      return loaded(model, entry.name, cachedFiles);
    },
  };
}
