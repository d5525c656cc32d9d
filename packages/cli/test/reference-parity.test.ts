// SPDX-License-Identifier: Apache-2.0
// The whole CLI path against the official PyTorch outputs: `taptr convert` the reference
// checkpoint, then `taptr track` the reference video (.npy) with the reference queries (.npy in
// TAP-Vid order), and compare the written JSON with first.tracks_xy / first.occluded
// (tolerances of the fixture README: tracks 1e-2 px, occlusion decisions identical) from each point's
// query frame on (before it, forward tracking writes no position).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareClose, loadJson, loadNpy } from '@taptr/tensor/testing';
import { readTracksFile } from '@taptr/tracker';
import { sampleDatasetPath } from '../src/assets.js';
import { runCli } from '../src/test-io.js';
import { REFERENCE_FIXTURES } from './reference-fixtures.js';

const ref = REFERENCE_FIXTURES;
const meta = loadJson<{ T: number; H: number; W: number; n_queries: number; model_hw: number }>(ref, 'meta.json');
const dir = mkdtempSync(join(tmpdir(), 'taptr-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('taptr convert + taptr track on the reference fixtures', () => {
  const model = join(dir, 'model');

  it('converts the reference checkpoint into graphs + model.json', async () => {
    const run = await runCli(['convert', join(ref, 'checkpoint.pth'), '--config', join(ref, 'config.json'), '--out', model, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { manifest: { source: { sha256: string }; graphs: Record<string, { file: string }> } };
    expect(report.manifest.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const g of Object.values(report.manifest.graphs)) expect(existsSync(join(model, g.file))).toBe(true);
    // The three graphs of spec §13 and the decoder for few points (which `taptr track` below uses for N <= 64).
    expect(
      Object.values(report.manifest.graphs)
        .map((g) => g.file)
        .sort(),
    ).toEqual(['decoder_window.onnx', 'decoder_window_sample_first.onnx', 'frame_encoder.onnx', 'query_init.onnx']);
    const manifest = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8')) as { config: { data_aug_scales: number[] } };
    expect(manifest.config.data_aug_scales).toEqual([meta.model_hw]);
  });

  it('tracks the reference queries to the official tracks (1e-2 px) and occlusion (exact)', async () => {
    const out = join(dir, 'tracks.json');
    const run = await runCli(['track', join(ref, 'video.npy'), '--model', model, '--queries', join(ref, 'queries_tyx.npy'), '--out', out, '--threads', '2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = readTracksFile(readFileSync(out, 'utf8'), { name: out });
    expect(doc.video.frames).toBe(meta.T);
    expect(doc.mode).toBe('forward');
    expect(doc.queries).toHaveLength(meta.n_queries);
    // Forward mode: the frames before a point's query frame have no position (NaN here) and are not
    // visible (docs/coordinates.md); every other entry matches the official output.
    const tracked = (i: number): boolean => i % meta.T >= doc.queries[Math.floor(i / meta.T)]!.t;
    const expectedTracks = (loadNpy(ref, 'first.tracks_xy.npy').data as Float32Array).map((v, k) => (tracked(k >> 1) ? v : Number.NaN));
    const report = compareClose(doc.tracks, expectedTracks, { atol: 1e-2, rtol: 0 });
    expect(report.ok, report.message).toBe(true);
    const occluded = loadNpy(ref, 'first.occluded.npy').data as Uint8Array;
    expect(Array.from(doc.visible)).toEqual(Array.from(occluded, (o, i) => (tracked(i) && o === 0 ? 1 : 0)));
  });

  it('evaluates the converted model on the bundled TAP-Vid sample (taptr eval --model)', async () => {
    const run = await runCli(['eval', sampleDatasetPath(), '--model', model, '--mode', 'first', '--pad-queries', '0', '--max-videos', '1', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as { backend: string; model: { format: string }; videos: { metrics: Record<string, number | null> }[] };
    expect(doc.backend).toBe('cpu');
    expect(doc.model.format).toBe('taptr-js-model');
    expect(doc.videos).toHaveLength(1);
    const oa = doc.videos[0]!.metrics['occlusion_accuracy'];
    expect(oa).toBeGreaterThanOrEqual(0);
    expect(oa).toBeLessThanOrEqual(1);
  });

  it('reports bad convert arguments with one line', async () => {
    const noOut = await runCli(['convert', join(ref, 'checkpoint.pth')]);
    expect(noOut).toMatchObject({ code: 2, stderr: 'taptr convert: --out is required (the model folder to write)\n' });
    const missing = await runCli(['convert', join(dir, 'none.pth'), '--out', join(dir, 'x')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n')).toHaveLength(2);
    const notCheckpoint = await runCli(['convert', join(ref, 'config.json'), '--config', join(ref, 'config.json'), '--out', join(dir, 'y')]);
    expect(notCheckpoint.code).toBe(1);
    expect(notCheckpoint.stderr).toMatch(/^taptr convert: .*\n$/);
    writeFileSync(join(dir, 'bad-config.json'), '{"hidden_dim": 64}');
    const badConfig = await runCli(['convert', join(ref, 'checkpoint.pth'), '--config', join(dir, 'bad-config.json'), '--out', join(dir, 'w')]);
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toMatch(/^taptr convert: --config .*bad-config\.json: .*\n$/);
    const badModel = await runCli(['track', join(ref, 'video.npy'), '--model', join(dir, 'nope'), '--grid', '2', '--out', join(dir, 'z.json')]);
    expect(badModel).toMatchObject({ code: 1, stderr: `taptr track: --model ${join(dir, 'nope')}: no such file or folder\n` });
  });
});
