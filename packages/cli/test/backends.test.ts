// SPDX-License-Identifier: Apache-2.0
// `--backend wasm` (onnxruntime-web in Node) gives the same tracks as `--backend cpu` on a short
// clip of the reference video (runtime parity itself is @taptr/runtime-web's test; this checks the CLI wiring).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tensor, writeNpy } from '@taptr/tensor';
import { compareClose, loadNpy } from '@taptr/tensor/testing';
import { runCli } from '../src/test-io.js';
import { REFERENCE_FIXTURES } from './reference-fixtures.js';

const ref = REFERENCE_FIXTURES;
const dir = mkdtempSync(join(tmpdir(), 'taptr-backends-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('taptr track --backend', () => {
  it('wasm matches cpu (tracks within 1e-2 px, same visibility)', async () => {
    const video = loadNpy(ref, 'video.npy');
    const [, H, W, C] = video.dims as [number, number, number, number];
    const T = 8;
    writeFileSync(join(dir, 'clip.npy'), writeNpy(tensor('uint8', [T, H, W, C], (video.data as Uint8Array).slice(0, T * H * W * C))));
    const docs = [];
    for (const backend of ['cpu', 'wasm']) {
      const out = join(dir, `${backend}.json`);
      const run = await runCli([
        'track',
        join(dir, 'clip.npy'),
        '--model',
        join(ref, 'checkpoint.pth'),
        '--config',
        join(ref, 'config.json'),
        '--grid',
        '2',
        '--backend',
        backend,
        '--threads',
        '1',
        '--out',
        out,
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      docs.push(JSON.parse(readFileSync(out, 'utf8')) as { tracks: number[][][]; visible: boolean[][]; backend: string });
    }
    const [cpu, wasm] = docs as [(typeof docs)[0], (typeof docs)[0]];
    expect(wasm.backend).toBe('wasm');
    const report = compareClose(Float32Array.from(wasm.tracks.flat(2)), Float32Array.from(cpu.tracks.flat(2)), { atol: 1e-2, rtol: 0 });
    expect(report.ok, report.message).toBe(true);
    expect(wasm.visible).toEqual(cpu.visible);
  });
});
