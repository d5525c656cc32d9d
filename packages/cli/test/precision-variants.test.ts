// SPDX-License-Identifier: Apache-2.0
// `taptr convert --precision / --resolution` end to end on the reference fixtures: the folder's
// model.json records the variant, `taptr track` reports it, and the variants' tracks on the `first`
// protocol stay within their documented deviation (packages/model/README.md, "Deviation from the fp32
// tracks": measured with `taptr track --threads 1` on this video and these queries against the fp32
// tracks). The fp32 tracks equal the official ones within the parity tolerance (1e-2 px, occlusion
// exact; reference-parity.test.ts), so the variants are compared with the official tracks and each
// pixel bound is the documented figure plus that 1e-2 px.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadJson, loadNpy } from '@taptr/tensor/testing';
import { runCli } from '../src/test-io.js';
import { REFERENCE_FIXTURES } from './reference-fixtures.js';

const ref = REFERENCE_FIXTURES;
const meta = loadJson<{ T: number; n_queries: number; model_hw: number }>(ref, 'meta.json');
const dir = mkdtempSync(join(tmpdir(), 'taptr-variants-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fp32 parity tolerance of the CLI tracks (fixture README; reference-parity.test.ts). */
const PARITY_PX = 1e-2;
/**
 * Documented deviation from the fp32 tracks on the fixture video (model README table, 16 queries x 50
 * frames): mean and max pixel distance over every point and frame, occlusion decisions that differ.
 */
const DOCUMENTED = {
  int8: { meanPx: 0.13, maxPx: 2.11, occlusionFlips: 5 },
  'fp16-weights': { meanPx: 0.05, maxPx: 0.58, occlusionFlips: 3 },
} as const;

interface Manifest {
  precision: string;
  config: { data_aug_scales: number[] };
  graphs: Record<string, { file: string; bytes: number; inputs: { name: string; dims: (number | string)[] }[] }>;
}

const readManifest = (model: string): Manifest => JSON.parse(readFileSync(join(model, 'model.json'), 'utf8')) as Manifest;

async function convert(name: string, extra: readonly string[]): Promise<string> {
  const model = join(dir, name);
  const run = await runCli(['convert', join(ref, 'checkpoint.pth'), '--config', join(ref, 'config.json'), '--out', model, ...extra]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return model;
}

async function track(model: string, name: string): Promise<{ stdout: string; doc: { tracks: number[][][]; visible: boolean[][]; model: Record<string, unknown> } }> {
  const out = join(dir, `${name}.json`);
  const run = await runCli(['track', join(ref, 'video.npy'), '--model', model, '--queries', join(ref, 'queries_tyx.npy'), '--out', out, '--threads', '1']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return { stdout: run.stdout, doc: JSON.parse(readFileSync(out, 'utf8')) as { tracks: number[][][]; visible: boolean[][]; model: Record<string, unknown> } };
}

/** Pixel distance of `tracks` to the official `first` tracks (mean, max) and the occlusion decisions that differ. */
function deviation(doc: { tracks: number[][][]; visible: boolean[][] }): { meanPx: number; maxPx: number; occlusionFlips: number } {
  const expected = loadNpy(ref, 'first.tracks_xy.npy').data as Float32Array;
  const occluded = loadNpy(ref, 'first.occluded.npy').data as Uint8Array;
  const xy = doc.tracks.flat(2);
  const visible = doc.visible.flat();
  expect(xy).toHaveLength(expected.length);
  let sum = 0;
  let max = 0;
  for (let i = 0; i < visible.length; i++) {
    const d = Math.hypot(xy[2 * i]! - expected[2 * i]!, xy[2 * i + 1]! - expected[2 * i + 1]!);
    sum += d;
    max = Math.max(max, d);
  }
  const occlusionFlips = visible.filter((v, i) => v === (occluded[i] === 1)).length;
  return { meanPx: sum / visible.length, maxPx: max, occlusionFlips };
}

describe('taptr convert --precision / --resolution on the reference fixtures', () => {
  let fp32Encoder = 0;

  it('fp32 (the default) is recorded as such and reported by taptr track', async () => {
    const model = await convert('fp32', []);
    const manifest = readManifest(model);
    expect(manifest.precision).toBe('fp32');
    fp32Encoder = statSync(join(model, manifest.graphs['frameEncoder']!.file)).size;
    const { stdout, doc } = await track(model, 'fp32');
    expect(doc.model).toMatchObject({ precision: 'fp32', resolution: meta.model_hw });
    expect(stdout).toContain(`(cpu, fp32 @ ${meta.model_hw}, `);
    expect(deviation(doc).maxPx).toBeLessThanOrEqual(PARITY_PX);
  });

  for (const precision of ['fp16-weights', 'int8'] as const) {
    it(`--precision ${precision}: model.json says so and the tracks stay within the documented deviation`, async () => {
      const model = await convert(precision, ['--precision', precision]);
      const manifest = readManifest(model);
      expect(manifest.precision).toBe(precision);
      expect(manifest.config.data_aug_scales).toEqual([meta.model_hw]);
      const encoder = statSync(join(model, manifest.graphs['frameEncoder']!.file)).size;
      expect(encoder).toBe(manifest.graphs['frameEncoder']!.bytes);
      expect(fp32Encoder).toBeGreaterThan(0);
      if (precision === 'fp16-weights') {
        // About half: float16 weights, except the small stem + layer1 kept float32 (model README).
        expect(encoder / fp32Encoder).toBeGreaterThan(0.45);
        expect(encoder / fp32Encoder).toBeLessThan(0.6);
      } else {
        expect(encoder).toBeLessThan(fp32Encoder); // the quantized encoder MatMul weights are 8-bit
      }
      const { stdout, doc } = await track(model, precision);
      expect(doc.model).toMatchObject({ precision, resolution: meta.model_hw });
      expect(stdout).toContain(`(cpu, ${precision} @ ${meta.model_hw}, `);
      const measured = deviation(doc);
      const bound = DOCUMENTED[precision];
      if (process.env['TAPTR_REPORT_ERRORS']) console.log(JSON.stringify({ precision, measured }));
      expect(measured.meanPx).toBeLessThanOrEqual(bound.meanPx + PARITY_PX);
      expect(measured.maxPx).toBeLessThanOrEqual(bound.maxPx + PARITY_PX);
      expect(measured.occlusionFlips).toBeLessThanOrEqual(bound.occlusionFlips);
    });
  }

  it('--resolution R builds a model of that input size, and taptr track --json reports it', async () => {
    const R = meta.model_hw - 32;
    const model = await convert(`r${R}`, ['--resolution', String(R)]);
    const manifest = readManifest(model);
    expect(manifest.precision).toBe('fp32');
    expect(manifest.config.data_aug_scales).toEqual([R]);
    expect(manifest.graphs['frameEncoder']!.inputs[0]!.dims).toEqual(['B', 3, R, R]);
    const out = join(dir, `r${R}.json`);
    const run = await runCli(['track', join(ref, 'video.npy'), '--model', model, '--queries', join(ref, 'queries_tyx.npy'), '--out', out, '--threads', '2', '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(run.stdout) as { model: Record<string, unknown> };
    expect(report.model).toMatchObject({ format: 'taptr-js-model', precision: 'fp32', resolution: R });
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { tracks: number[][][]; model: Record<string, unknown> };
    expect(doc.tracks).toHaveLength(meta.n_queries);
    expect(doc.tracks[0]).toHaveLength(meta.T);
    expect(doc.model).toMatchObject({ precision: 'fp32', resolution: R });
  });

  it('rejects bad --precision / --resolution values with exit 2 and one line naming the option, the expected form and the value', async () => {
    const cases = [
      { argv: ['--precision', 'fp8'], option: '--precision', expected: 'must be one of fp32, int8, fp16-weights', given: "'fp8'" },
      { argv: ['--resolution', '0'], option: '--resolution', expected: 'must be a positive multiple of 32', given: "'0'" },
      { argv: ['--resolution', '100'], option: '--resolution', expected: 'must be a positive multiple of 32', given: "'100'" },
      { argv: ['--resolution', '-64'], option: '--resolution', expected: 'must be a positive multiple of 32', given: "'-64'" },
      { argv: ['--resolution', '320px'], option: '--resolution', expected: 'must be a positive multiple of 32', given: "'320px'" },
    ];
    for (const c of cases) {
      const out = join(dir, 'never');
      const run = await runCli(['convert', join(ref, 'checkpoint.pth'), '--out', out, ...c.argv]);
      expect(run.code, c.argv.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^taptr convert: [^\n]*\n$/);
      for (const part of [c.option, c.expected, c.given]) expect(run.stderr, c.argv.join(' ')).toContain(part);
      expect(() => statSync(out)).toThrow();
    }
  });

  it('a model.json with an unknown precision fails to load with TAPTR_CONFIG_INVALID (exit 1, one line)', async () => {
    const model = join(dir, 'bad-precision');
    const manifest = readManifest(join(dir, 'fp32'));
    mkdirSync(model, { recursive: true });
    writeFileSync(join(model, 'model.json'), JSON.stringify({ ...manifest, precision: 'fp8' }));
    const run = await runCli(['track', join(ref, 'video.npy'), '--model', model, '--grid', '2', '--out', join(dir, 'bad.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^taptr track: [^\n]*precision must be one of 'fp32', 'int8', 'fp16-weights' \(or absent for 'fp32'\), got "fp8"\n$/);
  });
});
