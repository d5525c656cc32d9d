// SPDX-License-Identifier: Apache-2.0
// `taptr convert --precision int8 --int8-weights`, and int8 folders loaded by taptr track / eval: the
// weights switched in memory to suit the CPU (or TAPTR_INT8_WEIGHTS), exactly.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { int8WeightsForCpu } from '@taptr/runtime-node';
import { fixtureDir } from '@taptr/tensor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceModelDir } from '../assets.js';
import { loadModel } from '../engine/load-model.js';
import { runCli } from '../test-io.js';

const ref = fixtureDir('TAPTR_REFERENCE_FIXTURES', referenceModelDir());
const dir = mkdtempSync(join(tmpdir(), 'taptr-convert-int8-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const convert = (...args: string[]) => runCli(['convert', join(ref, 'checkpoint.pth'), '--config', join(ref, 'config.json'), ...args]);
const manifestOf = (folder: string) => JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as { precision: string; int8Weights?: string };
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
const here = int8WeightsForCpu();

describe('taptr convert --int8-weights', () => {
  const u8u8 = join(dir, 'u8u8');
  const u8s8 = join(dir, 'u8s8');
  beforeAll(async () => {
    for (const [out, w] of [
      [u8u8, 'u8u8'],
      [u8s8, 'u8s8'],
    ] as const) {
      const run = await convert('--precision', 'int8', '--int8-weights', w, '--out', out);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`int8 weights: ${w} (${w === 'u8s8' ? 'int8' : 'uint8'}): forced by --int8-weights ${w} (taptr track switches`);
    }
  }, 120_000);

  it('writes the weight type forced, recorded in model.json', () => {
    expect(manifestOf(u8u8)).toMatchObject({ precision: 'int8', int8Weights: 'uint8' });
    expect(manifestOf(u8s8)).toMatchObject({ precision: 'int8', int8Weights: 'int8' });
    expect(readFileSync(join(u8u8, 'frame_encoder.onnx')).equals(readFileSync(join(u8s8, 'frame_encoder.onnx')))).toBe(false);
  });

  it("auto (the default): this CPU's type and why, in the text and in --json", async () => {
    const out = join(dir, 'auto');
    const run = await convert('--precision', 'int8', '--out', out, '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { int8Weights: { weights: string; kernels: string; reason: string }; manifest: { int8Weights: string } };
    expect(report.int8Weights.weights).toBe(here);
    expect(report.int8Weights.reason).toMatch(here === 'int8' ? /^this CPU has AVX(-512 VNNI|-VNNI)$/ : /VNNI|no x86 CPU flags/);
    expect(report.manifest.int8Weights).toBe(here);
    expect(manifestOf(out).int8Weights).toBe(here);
    expect(readFileSync(join(out, 'frame_encoder.onnx')).equals(readFileSync(join(here === 'int8' ? u8s8 : u8u8, 'frame_encoder.onnx')))).toBe(true);
  });

  it('usage errors: --int8-weights without --precision int8, or a value it does not know (exit 2, nothing written)', async () => {
    const without = await convert('--int8-weights', 'u8s8', '--out', join(dir, 'x'));
    expect([without.code, without.stderr]).toEqual([
      2,
      'taptr convert: --int8-weights applies to --precision int8 (the only variant with int8 weights), not fp32\n',
    ]);
    const fp16 = await convert('--precision', 'fp16-weights', '--int8-weights', 'auto', '--out', join(dir, 'x'));
    expect(fp16.stderr).toContain('not fp16-weights');
    const bad = await convert('--precision', 'int8', '--int8-weights', 'int8', '--out', join(dir, 'x'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      "taptr convert: option '--int8-weights <w>' argument 'int8' is invalid. must be one of auto, u8u8, u8s8. (see taptr convert --help)\n",
    );
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });

  it('loading a folder whose weights do not suit the CPU switches them in memory, exactly, and says so in info', async () => {
    const [stored, other] = here === 'int8' ? [u8u8, u8s8] : [u8s8, u8u8];
    const model = await loadModel(stored, undefined, { env: {} });
    expect(model.graphs.int8Weights).toBe(here);
    expect(model.info['int8Weights']).toMatchObject({ weights: here, stored: here === 'int8' ? 'uint8' : 'int8', rewritten: true });
    // The bytes a folder of the suited type holds.
    expect(same(model.graphs.frameEncoder, readFileSync(join(other, 'frame_encoder.onnx')))).toBe(true);
    expect(same(model.graphs.decoderWindow, readFileSync(join(other, 'decoder_window.onnx')))).toBe(true);
    // A folder that suits: untouched.
    const suited = await loadModel(other, undefined, { env: {} });
    expect(suited.info['int8Weights']).toMatchObject({ weights: here, stored: here, rewritten: false, ms: 0 });
    expect(same(suited.graphs.frameEncoder, readFileSync(join(other, 'frame_encoder.onnx')))).toBe(true);
    // Forced by the environment, whatever the CPU.
    const forced = await loadModel(u8s8, undefined, { env: { TAPTR_INT8_WEIGHTS: 'u8u8' } });
    expect(forced.info['int8Weights']).toEqual(
      expect.objectContaining({ weights: 'uint8', kernels: 'u8u8', reason: 'forced by TAPTR_INT8_WEIGHTS=u8u8', stored: 'int8', rewritten: true }),
    );
    expect(same(forced.graphs.frameEncoder, readFileSync(join(u8u8, 'frame_encoder.onnx')))).toBe(true);
    // The wasm backend: u8u8 whatever the CPU.
    const wasm = await loadModel(u8s8, undefined, { env: {}, backend: 'wasm' });
    expect(wasm.info['int8Weights']).toMatchObject({ weights: 'uint8', stored: 'int8', rewritten: true });
    expect(same(wasm.graphs.frameEncoder, readFileSync(join(u8u8, 'frame_encoder.onnx')))).toBe(true);
    await expect(loadModel(u8s8, undefined, { env: { TAPTR_INT8_WEIGHTS: 'fast' } })).rejects.toThrow(
      'TAPTR_INT8_WEIGHTS must be one of auto, u8u8, u8s8, got "fast"',
    );
  });

  it('taptr track reports the weights used and the rewrite', async () => {
    const stored = here === 'int8' ? u8u8 : u8s8;
    const run = await runCli(['track', join(ref, 'video.npy'), '--model', stored, '--grid', '2', '--out', join(dir, 'tracks.json'), '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { model: { precision: string; int8Weights: Record<string, unknown> } };
    expect(report.model.precision).toBe('int8');
    expect(report.model.int8Weights).toMatchObject({ weights: here, kernels: here === 'int8' ? 'u8s8' : 'u8u8', rewritten: true });
  }, 120_000);
});
