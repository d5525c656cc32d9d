// SPDX-License-Identifier: Apache-2.0
// Converted models kept in the browser's Cache API, so that the second load of a model (from a URL
// or from disk) needs no network and no file picking. Graphs are stored by their sha256 (from
// model.json) and checked against it on every write and read; a damaged entry is dropped and
// downloaded again. Manifests are stored under the model's URL (URL models) or a key of their own
// (models from disk), listed in a small index.
import { checkGraph, listedRoles, parseManifest, toModelGraphs, type GraphRole, type ModelFolder, type ModelManifest } from './model-files.js';

/** The Cache API cache the page uses. */
export const MODEL_CACHE = 'taptr-models-v1';

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
export interface LoadedModel extends ModelFolder {
  /** Identifies the model (its graphs' sha256, or a load-time id when model.json lists none). */
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
export interface CachedModel {
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
  /** Keeps a model read from disk (already checked by `readModelFiles`) and returns it. */
  keepFolder(folder: ModelFolder, name: string): Promise<LoadedModel>;
  /** The models in the cache. */
  list(): Promise<CachedModel[]>;
  /** Loads a cached model without network. */
  loadCached(key: string, onProgress?: (p: ModelLoadProgress) => void): Promise<LoadedModel>;
}

const PREFIX = '.taptr-model-cache/';

function modelId(manifest: ModelManifest): string | undefined {
  const shas = listedRoles(manifest).map((role) => manifest.graphs[role]?.sha256);
  return shas.every((s) => s !== undefined) ? `sha256:${shas.map((s) => s!.slice(0, 16)).join('-')}` : undefined;
}

async function readBody(response: Response, onChunk: (loaded: number) => void): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
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

/** Downloads `url` with progress. @throws Error naming the URL (network failure or HTTP status). */
async function download(url: string, onChunk: (loaded: number) => void): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`cannot download ${url} (${(error as Error).message})`);
  }
  if (!response.ok) throw new Error(`cannot download ${url}: HTTP ${response.status}`);
  return readBody(response, onChunk);
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

  /** The graphs of `manifest`: from the cache by sha256 (checked), else from `fetchGraph` (checked, then cached). */
  async function graphsOf(
    manifest: ModelManifest,
    cache: Cache | undefined,
    fetchGraph: ((file: string, onChunk: (loaded: number) => void) => Promise<Uint8Array>) | undefined,
    onProgress: ((p: ModelLoadProgress) => void) | undefined,
  ): Promise<{ graphs: Partial<Record<GraphRole, Uint8Array>>; cachedFiles: number }> {
    const roles = listedRoles(manifest);
    const graphs: Partial<Record<GraphRole, Uint8Array>> = {};
    let cachedFiles = 0;
    for (const [fileIndex, role] of roles.entries()) {
      const entry = manifest.graphs[role]!;
      const total = entry.bytes ?? 0;
      const report = (loaded: number, fromCache: boolean): void => onProgress?.({ file: entry.file, fileIndex, files: roles.length, loaded, total: total || loaded, fromCache });
      let bytes: Uint8Array | undefined;
      if (cache !== undefined && entry.sha256 !== undefined) {
        const hit = await cache.match(graphKey(entry.sha256));
        if (hit !== undefined) {
          const cached = new Uint8Array(await hit.arrayBuffer());
          try {
            await checkGraph(entry, cached);
            bytes = cached;
            cachedFiles += 1;
            report(cached.length, true);
          } catch {
            await cache.delete(graphKey(entry.sha256));
          }
        }
      }
      if (bytes === undefined) {
        if (fetchGraph === undefined) throw new Error(`${entry.file} is no longer in the browser cache: load the model from its URL or folder again`);
        bytes = await fetchGraph(entry.file, (loaded) => report(loaded, false));
        await checkGraph(entry, bytes);
        if (cache !== undefined && entry.sha256 !== undefined) await cache.put(graphKey(entry.sha256), new Response(bytes as Uint8Array<ArrayBuffer>));
      }
      graphs[role] = bytes;
    }
    return { graphs, cachedFiles };
  }

  const loaded = (manifest: ModelManifest, graphs: Partial<Record<GraphRole, Uint8Array>>, name: string, cachedFiles: number, cacheNote?: string): LoadedModel => ({
    manifest,
    graphs: toModelGraphs(graphs),
    id: modelId(manifest) ?? `load:${Date.now()}:${Math.random().toString(36).slice(2)}`,
    name,
    cachedFiles,
    files: listedRoles(manifest).length,
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
      const manifest = parseManifest(text, manifestUrl);
      const fetchGraph = (file: string, onChunk: (loaded: number) => void): Promise<Uint8Array> => download(new URL(file, base).href, onChunk);
      const { graphs, cachedFiles } = await graphsOf(manifest, cache, fetchGraph, options.onProgress);
      const name = options.name ?? `converted model from ${base}`;
      if (cache !== undefined) {
        await cache.put(manifestUrl, new Response(text, { headers: { 'content-type': 'application/json' } }));
        await remember(cache, { key: manifestUrl, name, kind: 'url' });
      }
      return loaded(manifest, graphs, name, cachedFiles, note);
    },
    async keepFolder(folder, name) {
      const { cache, note } = await cacheOrNote();
      const id = modelId(folder.manifest);
      if (cache !== undefined && id !== undefined) {
        for (const role of listedRoles(folder.manifest)) {
          const sha = folder.manifest.graphs[role]!.sha256!;
          const bytes = folder.graphs[role]!;
          await cache.put(graphKey(sha), new Response(bytes as Uint8Array<ArrayBuffer>));
        }
        const manifestKey = key(`disk/${id}/model.json`);
        await cache.put(manifestKey, new Response(JSON.stringify(folder.manifest), { headers: { 'content-type': 'application/json' } }));
        await remember(cache, { key: manifestKey, name, kind: 'disk' });
      }
      const why = id === undefined ? 'model.json lists no sha256 for some graph: the model is not kept in the browser cache' : note;
      return loaded(folder.manifest, folder.graphs as Partial<Record<GraphRole, Uint8Array>>, name, 0, why);
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
      const manifest = parseManifest(text, entry.name);
      // A URL model whose graph went missing is fetched again from its folder; a disk model cannot be.
      const base = entry.kind === 'url' ? new URL('.', manifestKey).href : undefined;
      const fetchGraph =
        base === undefined
          ? undefined
          : (file: string, onChunk: (loaded: number) => void): Promise<Uint8Array> => download(new URL(file, base).href, onChunk);
      const { graphs, cachedFiles } = await graphsOf(manifest, cache, fetchGraph, onProgress);
      return loaded(manifest, graphs, entry.name, cachedFiles);
    },
  };
}
