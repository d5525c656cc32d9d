// SPDX-License-Identifier: Apache-2.0
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFilesAtomically } from './write-files-atomically.js';

const root = mkdtempSync(join(tmpdir(), 'taptr-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every file under `dir` with its contents. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

describe('writeFilesAtomically', () => {
  it('creates the folder (and its parents) with the files, and no temporary left', async () => {
    const dir = join(root, 'new', 'deeper', 'model');
    await writeFilesAtomically(dir, [
      ['a.onnx', Uint8Array.of(1, 2)],
      ['model.json', '{}'],
    ]);
    expect(snapshot(dir)).toEqual({ '/a.onnx': '\x01\x02', '/model.json': '{}' });
    expect(readdirSync(join(root, 'new', 'deeper'))).toEqual(['model']);
  });

  it('leaves no folder (nor the parents it made) when a write fails midway', async () => {
    const dir = join(root, 'fresh', 'model');
    // The second file cannot be written (its subfolder does not exist): the first one was already.
    await expect(
      writeFilesAtomically(dir, [
        ['a.onnx', 'x'],
        ['missing/b.onnx', 'y'],
      ]),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(join(root, 'fresh'))).toBe(false);
    mkdirSync(join(root, 'parent'));
    await expect(
      writeFilesAtomically(join(root, 'parent', 'model'), [
        ['a.onnx', 'x'],
        ['missing/b.onnx', 'y'],
      ]),
    ).rejects.toThrow();
    expect(readdirSync(join(root, 'parent'))).toEqual([]);
  });

  it('replaces the files of an existing folder, keeps its other files, and on failure leaves it as it was', async () => {
    const dir = join(root, 'existing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.onnx'), 'old a');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const before = snapshot(dir);
    await expect(
      writeFilesAtomically(dir, [
        ['a.onnx', 'new a'],
        ['missing/b.onnx', 'y'],
      ]),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    expect(snapshot(dir)).toEqual(before);
    mkdirSync(join(dir, 'model.json'));
    await expect(
      writeFilesAtomically(dir, [
        ['a.onnx', 'new a'],
        ['model.json', '{}'],
      ]),
    ).rejects.toMatchObject({ code: 'EISDIR' });
    expect(snapshot(dir)).toEqual(before);
    rmSync(join(dir, 'model.json'), { recursive: true });
    await writeFilesAtomically(dir, [
      ['a.onnx', 'new a'],
      ['model.json', '{}'],
    ]);
    expect(snapshot(dir)).toEqual({ '/a.onnx': 'new a', '/notes.txt': 'mine', '/model.json': '{}' });
  });

  it('refuses a path that is a file', async () => {
    writeFileSync(join(root, 'file'), 'f');
    await expect(writeFilesAtomically(join(root, 'file'), [['a', 'x']])).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(readFileSync(join(root, 'file'), 'utf8')).toBe('f');
  });
});
