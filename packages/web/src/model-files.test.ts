// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readModelFiles } from './model-files.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const graph = (n: number): Uint8Array<ArrayBuffer> => new Uint8Array([n, n + 1, n + 2]);
const names = { frameEncoder: 'frame_encoder.onnx', queryInit: 'query_init.onnx', decoderWindow: 'decoder_window.onnx' } as const;

function folder(overrides: { sha?: string; format?: string } = {}): File[] {
  const graphs = Object.fromEntries(Object.entries(names).map(([role, file], i) => [role, { file, bytes: 3, sha256: i === 0 && overrides.sha ? overrides.sha : sha(graph(i)) }]));
  const manifest = { format: overrides.format ?? 'taptr-js-model', version: 1, config: { hidden_dim: 64 }, graphs };
  return [new File([JSON.stringify(manifest)], 'model.json'), ...Object.values(names).map((file, i) => new File([graph(i)], file))];
}

describe('readModelFiles', () => {
  it('reads a converted model folder and checks sizes and sha256', async () => {
    const model = await readModelFiles(folder());
    expect(model.kind).toBe('bytes');
    expect(model.manifest.config).toEqual({ hidden_dim: 64 });
    expect(Array.from(model.frameEncoder)).toEqual([0, 1, 2]);
    expect(Array.from(model.decoderWindow)).toEqual([2, 3, 4]);
  });

  it('names what is wrong: no model.json, a missing graph, a checksum, a foreign manifest', async () => {
    const files = folder();
    await expect(readModelFiles(files.slice(1))).rejects.toThrow(/model.json/);
    await expect(readModelFiles(files.slice(0, 3))).rejects.toThrow('model.json lists decoder_window.onnx for decoderWindow, but that file was not selected');
    await expect(readModelFiles(folder({ sha: '0'.repeat(64) }))).rejects.toThrow('frame_encoder.onnx: sha256 does not match model.json');
    await expect(readModelFiles(folder({ format: 'other' }))).rejects.toThrow(/taptr-js-model/);
  });
});
