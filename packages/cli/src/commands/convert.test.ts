// SPDX-License-Identifier: Apache-2.0
// `taptr convert` on damaged checkpoints and unwritable folders: one line, exit 1, and no output
// folder left behind (an existing one keeps exactly what it had).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureDir } from '@taptr/tensor/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { referenceModelDir } from '../assets.js';
import { runCli } from '../test-io.js';

const ref = fixtureDir('TAPTR_REFERENCE_FIXTURES', referenceModelDir());
const checkpoint = new Uint8Array(readFileSync(join(ref, 'checkpoint.pth')));
const dir = mkdtempSync(join(tmpdir(), 'taptr-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The reproduction: 64 random bytes (seeded) flipped around the middle of the file. */
function flipped64(): Uint8Array {
  const bytes = checkpoint.slice();
  let seed = 13;
  const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let i = 0; i < 64; i++) {
    const at = (bytes.length >> 1) + (next() % 200_000) - 100_000;
    bytes[at] = bytes[at]! ^ (1 + (next() % 255));
  }
  return bytes;
}

/** Every file under `folder` with its contents. */
function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name).slice(folder.length)] = readFileSync(join(e.parentPath, e.name), 'latin1');
  }
  return out;
}

const convert = (pth: string, out: string) => runCli(['convert', pth, '--config', join(ref, 'config.json'), '--out', out]);

describe('taptr convert on a damaged checkpoint', () => {
  it('64 flipped bytes: one line naming the entry and both CRC-32s, exit 1, no output folder', async () => {
    const pth = join(dir, 'bad.pth');
    writeFileSync(pth, flipped64());
    const out = join(dir, 'out', 'model');
    const run = await convert(pth, out);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^taptr convert: checkpoint: checkpoint\/data\/\d+: CRC-32 0x[0-9a-f]{8} != 0x[0-9a-f]{8} recorded\n$/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['bad.pth']);
  });

  it('a truncated file: one line naming the entry it ends in, exit 1, no output folder', async () => {
    const pth = join(dir, 'short.pth');
    writeFileSync(pth, checkpoint.subarray(0, 2_000_000));
    const out = join(dir, 'short-model');
    const run = await convert(pth, out);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^taptr convert: checkpoint: checkpoint\/data\/\d+: truncated: the file ends in or after this entry .*\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('leaves an existing output folder exactly as it was', async () => {
    const pth = join(dir, 'bad2.pth');
    writeFileSync(pth, flipped64());
    const out = join(dir, 'existing');
    mkdirSync(out);
    writeFileSync(join(out, 'model.json'), '{"old": true}');
    writeFileSync(join(out, 'frame_encoder.onnx'), 'old graph');
    const before = snapshot(out);
    const run = await convert(pth, out);
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toMatch(/^taptr convert: checkpoint: checkpoint\/data\/\d+: CRC-32 /);
    expect(snapshot(out)).toEqual(before);
  });

  it('a folder it cannot write (a sub-folder named model.json): one TAPTR_IO line, the folder as it was', async () => {
    const out = join(dir, 'blocked');
    mkdirSync(join(out, 'model.json'), { recursive: true });
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const before = snapshot(out);
    const run = await convert(join(ref, 'checkpoint.pth'), out);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^taptr convert: saveTaptrModel: cannot write to .*blocked: .*model\.json is a folder\n$/);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(out).sort()).toEqual(['keep.txt', 'model.json']);
  }, 120_000);
});

describe('taptr convert names the configuration it detects', () => {
  it('the reference checkpoint without --config: one line asking for --config and naming what it found, exit 2, nothing written', async () => {
    const out = join(dir, 'no-config');
    const run = await runCli(['convert', join(ref, 'checkpoint.pth'), '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `taptr convert: ${join(ref, 'checkpoint.pth')} is not the released TAPTR v1 configuration (it has a resnet50_w8 backbone (stage widths 32/64/128/256), hidden_dim 64, 2 encoder / 3 decoder layers, dim_feedforward 128, heads x points 16 (encoder) / 16 (decoder), 4 feature levels, num_classes 2); pass --config CONFIG.json with its configuration (heads, sampling points and input size are not in the weights)\n`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('with --config: says what it detected (not the released configuration) and records it in --json', async () => {
    const out = join(dir, 'with-config');
    const run = await runCli(['convert', join(ref, 'checkpoint.pth'), '--config', join(ref, 'config.json'), '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(
      `configuration: not the released TAPTR v1 (resnet50_w8 backbone (stage widths 32/64/128/256), hidden_dim 64, 2 encoder / 3 decoder layers, dim_feedforward 128, heads x points 16 (encoder) / 16 (decoder), 4 feature levels, num_classes 2), as --config ${join(ref, 'config.json')} says`,
    );
    const json = await runCli(['convert', join(ref, 'checkpoint.pth'), '--config', join(ref, 'config.json'), '--out', join(dir, 'with-config-json'), '--json']);
    expect((JSON.parse(json.stdout) as { detected: unknown }).detected).toEqual({
      backboneWidth: 8,
      backboneChannels: [32, 64, 128, 256],
      hiddenDim: 64,
      numFeatureLevels: 4,
      encLayers: 2,
      decLayers: 3,
      dimFeedforward: 128,
      encHeadsTimesPoints: 16,
      decHeadsTimesPoints: 16,
      numClasses: 2,
      released: false,
    });
  });

  it('a --config the checkpoint contradicts: one line naming the differences, exit 1', async () => {
    const config = JSON.parse(readFileSync(join(ref, 'config.json'), 'utf8')) as Record<string, unknown>;
    const wrong = join(dir, 'wrong-config.json');
    writeFileSync(wrong, JSON.stringify({ ...config, hidden_dim: 128, dec_layers: 4 }));
    const run = await runCli(['convert', join(ref, 'checkpoint.pth'), '--config', wrong, '--out', join(dir, 'wrong')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `taptr convert: ${join(ref, 'checkpoint.pth')} does not match --config ${wrong}: hidden_dim 64 (config 128), dec_layers 3 (config 4)\n`,
    );
  });

  it('taptr track --model CHECKPOINT.pth without --config asks for it the same way', async () => {
    const run = await runCli(['track', join(ref, 'video.npy'), '--model', join(ref, 'checkpoint.pth'), '--grid', '2', '--out', join(dir, 't.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^taptr track: --model .*checkpoint\.pth is not the released TAPTR v1 configuration \(it has a resnet50_w8 backbone .*\); pass --config CONFIG\.json with its configuration .*\n$/,
    );
  });
});
