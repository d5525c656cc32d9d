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
