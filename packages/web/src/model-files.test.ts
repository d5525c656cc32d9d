// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { listedRoles, readModelFiles, type ModelManifest } from './model-files.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const graph = (n: number): Uint8Array<ArrayBuffer> => new Uint8Array([n, n + 1, n + 2]);
const OLD = { frameEncoder: 'frame_encoder.onnx', queryInit: 'query_init.onnx', decoderWindow: 'decoder_window.onnx' } as const;
const NEW = { ...OLD, decoderWindowSampleFirst: 'decoder_window_sample_first.onnx' } as const;

/** A model folder's files: model.json listing `names`, and one 3-byte graph per name. */
function folder(overrides: { sha?: string; format?: string; names?: Record<string, string> } = {}): File[] {
  const names = overrides.names ?? OLD;
  const graphs = Object.fromEntries(Object.entries(names).map(([role, file], i) => [role, { file, bytes: 3, sha256: i === 0 && overrides.sha ? overrides.sha : sha(graph(i)) }]));
  const manifest = { format: overrides.format ?? 'taptr-js-model', version: 1, config: { hidden_dim: 64 }, graphs };
  return [new File([JSON.stringify(manifest)], 'model.json'), ...Object.values(names).map((file, i) => new File([graph(i)], file))];
}

describe('readModelFiles', () => {
  it('reads a converted model folder without the sample-first decoder (older folders) and checks sizes and sha256', async () => {
    const { manifest, graphs } = await readModelFiles(folder());
    expect(manifest.config).toEqual({ hidden_dim: 64 });
    expect(Array.from(graphs.frameEncoder)).toEqual([0, 1, 2]);
    expect(Array.from(graphs.decoderWindow)).toEqual([2, 3, 4]);
    expect('decoderWindowSampleFirst' in graphs).toBe(false);
  });

  it('reads the sample-first decoder when model.json lists it ', async () => {
    const { graphs } = await readModelFiles(folder({ names: NEW }));
    expect(Array.from(graphs.decoderWindow)).toEqual([2, 3, 4]);
    expect(Array.from(graphs.decoderWindowSampleFirst!)).toEqual([3, 4, 5]);
  });

  it('names what is wrong: no model.json, a missing graph, a checksum, a foreign manifest', async () => {
    const files = folder();
    await expect(readModelFiles(files.slice(1))).rejects.toThrow(/model.json/);
    await expect(readModelFiles(files.slice(0, 3))).rejects.toThrow('model.json lists decoder_window.onnx for decoderWindow, but that file was not selected');
    await expect(readModelFiles(folder({ names: NEW }).slice(0, 4))).rejects.toThrow('model.json lists decoder_window_sample_first.onnx for decoderWindowSampleFirst, but that file was not selected');
    await expect(readModelFiles(folder({ sha: '0'.repeat(64) }))).rejects.toThrow('frame_encoder.onnx: sha256 does not match model.json');
    const corrupt = folder({ names: NEW });
    corrupt[4] = new File([new Uint8Array([9, 9, 9])], NEW.decoderWindowSampleFirst);
    await expect(readModelFiles(corrupt)).rejects.toThrow('decoder_window_sample_first.onnx: sha256 does not match model.json');
    await expect(readModelFiles(folder({ format: 'other' }))).rejects.toThrow(/taptr-js-model/);
    await expect(readModelFiles([new File(['{not json'], 'model.json')])).rejects.toThrow(/^model.json: not JSON/);
  });
});

describe('listedRoles', () => {
  it('lists the three graphs, then the sample-first decoder when the manifest has it', () => {
    const entry = { file: 'x.onnx' };
    const old = { config: {}, graphs: { frameEncoder: entry, queryInit: entry, decoderWindow: entry } } satisfies ModelManifest;
    expect(listedRoles(old)).toEqual(['frameEncoder', 'queryInit', 'decoderWindow']);
    expect(listedRoles({ ...old, graphs: { ...old.graphs, decoderWindowSampleFirst: entry } })).toEqual(['frameEncoder', 'queryInit', 'decoderWindow', 'decoderWindowSampleFirst']);
  });
});
