// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { isTaptrError, type TaptrErrorCode } from '@taptr/tensor';
import { importGraph } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { RELEASED_CONFIG, taptrConfigToJson } from '../config/taptr-config.js';
import { checkModelFile, loadTaptrModel, sha256Digest } from './load-taptr-model.js';
import { fetchModelReader, fileListModelReader, memoryModelReader } from './model-file-reader.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const graph = (n: number): Uint8Array<ArrayBuffer> => new Uint8Array([n, n + 1, n + 2]);
const FILES = {
  frameEncoder: 'frame_encoder.onnx',
  queryInit: 'query_init.onnx',
  decoderWindow: 'decoder_window.onnx',
  decoderWindowSampleFirst: 'decoder_window_sample_first.onnx',
} as const;
const io = { inputs: [{ name: 'x', type: 'float32', dims: ['N', 2] }], outputs: [{ name: 'y', type: 'float32', dims: ['N'] }] };

/** A model folder's files by name: model.json and one 3-byte graph per listed role. */
function folder(
  options: { sampleFirst?: boolean; signatures?: boolean; edit?: (m: Record<string, unknown>) => void } = {},
): Record<string, Uint8Array<ArrayBuffer>> {
  const roles = Object.entries(FILES).filter(([role]) => options.sampleFirst !== false || role !== 'decoderWindowSampleFirst');
  const graphs = Object.fromEntries(
    roles.map(([role, file], i) => [role, { file, bytes: 3, sha256: sha(graph(i)), ...(options.signatures === false ? {} : { name: role, ...io }) }]),
  );
  const manifest: Record<string, unknown> = {
    format: 'taptr-js-model',
    version: 1,
    opset: 17,
    config: taptrConfigToJson(RELEASED_CONFIG),
    source: { sha256: null },
    graphs,
  };
  options.edit?.(manifest);
  return { 'model.json': new TextEncoder().encode(JSON.stringify(manifest)), ...Object.fromEntries(roles.map(([, file], i) => [file, graph(i)])) };
}

async function rejection(promise: Promise<unknown>, code: TaptrErrorCode, message: string | RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isTaptrError(error, code), String(error)).toBe(true);
  expect((error as Error).message).toMatch(message);
}

describe('loadTaptrModel(read)', () => {
  it('reads the manifest and the graphs it lists, checks them, and carries the listed signatures', async () => {
    const { graphs, manifest } = await loadTaptrModel(memoryModelReader(folder()));
    expect(graphs.config).toEqual(RELEASED_CONFIG);
    expect(Array.from(graphs.frameEncoder)).toEqual([0, 1, 2]);
    expect(Array.from(graphs.decoderWindowSampleFirst!)).toEqual([3, 4, 5]);
    expect(manifest.precision).toBe('fp32');
    expect(graphs.signatures?.queryInit).toEqual({ name: 'queryInit', ...io });
  });

  it('loads folders converted before the few-points decoder and before signatures were listed', async () => {
    const { graphs } = await loadTaptrModel(memoryModelReader(folder({ sampleFirst: false, signatures: false })));
    expect('decoderWindowSampleFirst' in graphs).toBe(false);
    expect('signatures' in graphs).toBe(false);
  });

  it('names the file and what is wrong: missing, wrong size, wrong sha256, a foreign manifest, a failing reader', async () => {
    const files = folder();
    const { [FILES.decoderWindow]: _, ...missing } = files;
    await rejection(
      loadTaptrModel(memoryModelReader(missing, 'the test folder')),
      'TAPTR_IO',
      /^loadTaptrModel: decoder_window\.onnx is not among the test folder \(model\.json, /,
    );
    await rejection(
      loadTaptrModel(memoryModelReader({ ...files, [FILES.queryInit]: new Uint8Array(4) })),
      'TAPTR_CHECKSUM_MISMATCH',
      'loadTaptrModel: query_init.onnx has 4 bytes, model.json says 3',
    );
    await rejection(
      loadTaptrModel(memoryModelReader({ ...files, [FILES.queryInit]: graph(9) })),
      'TAPTR_CHECKSUM_MISMATCH',
      `loadTaptrModel: query_init.onnx has sha256 ${sha(graph(9))}, model.json says ${sha(graph(1))}`,
    );
    // 'size' checks sizes only (the page checked the sha256 before sending the bytes to its worker).
    await expect(loadTaptrModel(memoryModelReader({ ...files, [FILES.queryInit]: graph(9) }), { verify: 'size' })).resolves.toBeDefined();
    await rejection(
      loadTaptrModel(memoryModelReader({ ...files, 'model.json': '{"format": "other"}' }), { where: 'https://x/m/' }),
      'TAPTR_CONFIG_INVALID',
      'loadTaptrModel: https://x/m/model.json is not a taptr-js-model manifest',
    );
    await rejection(
      loadTaptrModel(memoryModelReader(folder({ edit: (m) => (m['opset'] = 0) }))),
      'TAPTR_CONFIG_INVALID',
      'loadTaptrModel: model.json: opset must be a positive integer, got 0',
    );
    await rejection(
      loadTaptrModel(() => Promise.reject(new Error('disk gone')), { where: '/models/m' }),
      'TAPTR_IO',
      'loadTaptrModel: cannot read model.json of /models/m: disk gone',
    );
    await rejection(
      loadTaptrModel(() => Promise.resolve('text' as never)),
      'TAPTR_IO',
      /gave "text" for model\.json, not bytes/,
    );
    await expect(loadTaptrModel('dir' as never)).rejects.toThrow(TypeError);
    await expect(loadTaptrModel(memoryModelReader(files), { verify: 'none' as never })).rejects.toThrow(
      "loadTaptrModel: options.verify must be 'sha256' or 'size', got \"none\"",
    );
  });

  it('hands each graph entry to the reader (a cache keyed by sha256 can use it)', async () => {
    const files = folder();
    const asked: [string, string | undefined][] = [];
    await loadTaptrModel(async (name, entry) => (asked.push([name, entry?.sha256]), files[name]!));
    expect(asked).toEqual([['model.json', undefined], ...Object.values(FILES).map((file) => [file, sha(files[file]!)] as [string, string])]);
  });

  it('checkModelFile and sha256Digest agree with node:crypto', async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i * 7);
    expect(await sha256Digest(bytes)).toBe(sha(bytes));
    await checkModelFile({ file: 'f', bytes: bytes.length, sha256: sha(bytes) }, bytes);
    await rejection(
      checkModelFile({ file: 'f', bytes: bytes.length, sha256: sha(graph(0)) }, bytes),
      'TAPTR_CHECKSUM_MISMATCH',
      /^loadTaptrModel: f has sha256/,
    );
  });
});

describe('model file readers', () => {
  it('fileListModelReader: picked files by name, naming a file that was not selected', async () => {
    const files = Object.entries(folder()).map(([name, bytes]) => new File([bytes], name));
    const { graphs } = await loadTaptrModel(fileListModelReader(files));
    expect(Array.from(graphs.decoderWindow)).toEqual([2, 3, 4]);
    await rejection(
      loadTaptrModel(fileListModelReader(files.slice(0, 3))),
      'TAPTR_IO',
      /^loadTaptrModel: decoder_window\.onnx was not selected \(select every file of the model folder: .*got model\.json, frame_encoder\.onnx, query_init\.onnx\)$/,
    );
    await rejection(loadTaptrModel(fileListModelReader([])), 'TAPTR_IO', /model\.json was not selected .*got nothing/);
  });

  it('fetchModelReader: files under the base URL, HTTP failures named with the URL', async () => {
    const files = folder();
    const urls: string[] = [];
    const fakeFetch = (async (url: string) => {
      urls.push(url);
      const name = url.slice('https://models.example/taptr/'.length);
      if (url.endsWith('gone.onnx')) throw new TypeError('network down');
      return files[name] === undefined ? new Response('no', { status: 404 }) : new Response(files[name]);
    }) as typeof fetch;
    const progress: string[] = [];
    const { graphs } = await loadTaptrModel(
      fetchModelReader('https://models.example/taptr/', { fetch: fakeFetch, onProgress: (name, loaded) => progress.push(`${name} ${loaded}`) }),
    );
    expect(Array.from(graphs.queryInit)).toEqual([1, 2, 3]);
    expect(progress.slice(1)).toEqual(Object.values(FILES).map((file) => `${file} 3`));
    expect(urls[0]).toBe('https://models.example/taptr/model.json');
    const read = fetchModelReader('https://models.example/taptr/', { fetch: fakeFetch });
    await rejection(read('missing.onnx'), 'TAPTR_IO', 'loadTaptrModel: cannot download https://models.example/taptr/missing.onnx: HTTP 404');
    await rejection(read('gone.onnx'), 'TAPTR_NETWORK', 'loadTaptrModel: cannot download https://models.example/taptr/gone.onnx: network down');
    expect(() => fetchModelReader('relative/path/')).toThrow('fetchModelReader: base must be an absolute URL of the model folder, got "relative/path/"');
  });
});

describe('@taptr/model/format import graph', () => {
  it('is universal: no protobuf, no graph builder, no Node.js module', () => {
    const graph = importGraph(fileURLToPath(new URL('./index.ts', import.meta.url)));
    expect([...graph.externals.keys()]).toEqual([]);
    expect([...graph.workspace.keys()]).toEqual(['@taptr/tensor']);
    const outside = graph.files.filter((f) => !/[\\/]model[\\/]src[\\/](format|config)[\\/]/.test(f) && !/[\\/]tensor[\\/]src[\\/]/.test(f));
    expect(outside).toEqual([]);
  });
});
