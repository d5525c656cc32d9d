// SPDX-License-Identifier: Apache-2.0
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listTrackInputs } from './track-inputs.js';

const dir = mkdtempSync(join(tmpdir(), 'taptr-inputs-'));
for (const f of ['clip10.mp4', 'clip2.mp4', 'b.npy', 'notes.txt', '.hidden.mp4', 'x.MOV']) writeFileSync(join(dir, f), '');
mkdirSync(join(dir, 'frames'));
writeFileSync(join(dir, 'frames', 'f1.png'), '');
mkdirSync(join(dir, 'jpegs'));
writeFileSync(join(dir, 'jpegs', '0001.jpg'), '');
mkdirSync(join(dir, 'empty'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('listTrackInputs (taptr track DIR_OR_GLOB --queue)', () => {
  it('a folder: its video files and frame folders, in natural order', async () => {
    expect(await listTrackInputs(dir)).toEqual(['b.npy', 'clip2.mp4', 'clip10.mp4', 'frames', 'jpegs', 'x.MOV'].map((f) => join(dir, f)));
  });
  it('a pattern in the last part of the path', async () => {
    expect(await listTrackInputs(join(dir, 'clip*.mp4'))).toEqual([join(dir, 'clip2.mp4'), join(dir, 'clip10.mp4')]);
    expect(await listTrackInputs(join(dir, 'clip?.mp4'))).toEqual([join(dir, 'clip2.mp4')]);
    expect(await listTrackInputs(join(dir, '[fj]*'))).toEqual([join(dir, 'frames'), join(dir, 'jpegs')]);
    await expect(listTrackInputs(join(dir, '*.webm'))).rejects.toThrow(/\*\.webm: no video matches$/);
    await expect(listTrackInputs(join(dir, '*', 'f1.png'))).rejects.toThrow(/only the last part of a pattern may hold/);
  });
  it('a frame folder alone is one video; one file is itself; nothing is an error', async () => {
    expect(await listTrackInputs(join(dir, 'frames'))).toEqual([join(dir, 'frames')]);
    expect(await listTrackInputs(join(dir, 'notes.txt'))).toEqual([join(dir, 'notes.txt')]);
    await expect(listTrackInputs(join(dir, 'empty'))).rejects.toThrow(/empty: no videos \(\.mp4, /);
    await expect(listTrackInputs(join(dir, 'missing'))).rejects.toThrow(/missing: no such file or folder$/);
  });
});
