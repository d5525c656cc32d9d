// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import { readNpy } from '@taptr/tensor';
import { readTracksFile, type TracksFileInput } from '@taptr/tracker';
import { tracksToCsv, writeTracks } from './write-tracks.js';

// 2 points x 3 frames; point 1 is queried at frame 1, point 0 has a NaN at frame 2 (no position either).
const tracks = new Float32Array([1.25, 2.5, 3.1, 4.2, Number.NaN, 6, /* point 1 */ 10, 11, 12.75, 13, 14, 15]);
const output: TracksFileInput = {
  video: { width: 32, height: 24, frames: 3 },
  mode: 'forward',
  queries: [
    { t: 0, x: 1.25, y: 2.5 },
    { t: 1, x: 12.75, y: 13 },
  ],
  tracks,
  visible: new Uint8Array([1, 1, 1, 1, 1, 0]),
  backend: 'cpu',
  model: { path: 'models/x' },
  timings: { totalMs: 12 },
};
const dir = mkdtempSync(join(tmpdir(), 'taptr-tracks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeTracks', () => {
  it('writes the version 2 tracks file: null and not visible before the query frame (forward mode)', async () => {
    await writeTracks(join(dir, 't.json'), output);
    const text = readFileSync(join(dir, 't.json'), 'utf8');
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['format', 'version', 'video', 'mode', 'queries', 'tracks', 'visible', 'backend', 'model', 'timings']);
    expect(doc).toMatchObject({
      format: 'taptr-tracks',
      version: 2,
      mode: 'forward',
      video: { width: 32, height: 24, frames: 3 },
      queries: output.queries,
      backend: 'cpu',
    });
    expect(doc['tracks']).toEqual([
      [[1.25, 2.5], [3.1, 4.2], null],
      [null, [12.75, 13], [14, 15]],
    ]);
    expect(doc['visible']).toEqual([
      [true, true, false],
      [false, true, false],
    ]);
    const back = readTracksFile(text);
    expect(back.tracks[2]).toBe(tracks[2]); // 3.1 written with the fewest digits that read back to the float32
    expect(Array.from(back.visible)).toEqual([1, 1, 0, 0, 1, 0]);
  });

  it('keeps the positions before the query frame in bidirectional mode', async () => {
    await writeTracks(join(dir, 'b.json'), { ...output, mode: 'bidirectional' });
    const doc = readTracksFile(readFileSync(join(dir, 'b.json'), 'utf8'));
    expect(doc.mode).toBe('bidirectional');
    expect(Array.from(doc.tracks.subarray(6, 8))).toEqual([10, 11]);
    expect(Array.from(doc.visible)).toEqual([1, 1, 0, 1, 1, 0]);
  });

  it('writes CSV rows point,t,x,y,visible with empty cells where there is no position', async () => {
    await writeTracks(join(dir, 't.csv'), output);
    const lines = readFileSync(join(dir, 't.csv'), 'utf8').trim().split('\n');
    expect(lines).toEqual(['point,t,x,y,visible', '0,0,1.25,2.5,1', '0,1,3.1,4.2,1', '0,2,,,0', '1,0,,,0', '1,1,12.75,13,1', '1,2,14,15,0']);
    expect(tracksToCsv({ ...output, mode: 'bidirectional' }).split('\n')[4]).toBe('1,0,10,11,1');
  });

  it('writes .npz: tracks [N,T,2] (NaN = no position), visible [N,T] bool, queries (t,x,y), query_points (t,y,x), frames', async () => {
    await writeTracks(join(dir, 't.npz'), { ...output, video: { ...output.video, source: { start: 4, stride: 2, frames: 11 } } });
    const entries = unzipSync(new Uint8Array(readFileSync(join(dir, 't.npz'))));
    expect(Object.keys(entries).sort()).toEqual(['frames.npy', 'queries.npy', 'query_points.npy', 'tracks.npy', 'visible.npy']);
    const array = (name: string): { type: string; dims: readonly number[]; data: ArrayLike<number> } =>
      readNpy(entries[`${name}.npy`]!) as { type: string; dims: readonly number[]; data: ArrayLike<number> };
    const t = array('tracks');
    expect([t.type, t.dims]).toEqual(['float32', [2, 3, 2]]);
    // Point 0 has a NaN at frame 2; point 1 has no position at frame 0 (before its query frame 1).
    expect(Array.from(t.data)).toEqual([1.25, 2.5, Math.fround(3.1), Math.fround(4.2), Number.NaN, Number.NaN, Number.NaN, Number.NaN, 12.75, 13, 14, 15]);
    const v = array('visible');
    expect([v.type, v.dims, Array.from(v.data)]).toEqual(['bool', [2, 3], [1, 1, 0, 0, 1, 0]]);
    expect([array('queries').dims, Array.from(array('queries').data)]).toEqual([
      [2, 3],
      [0, 1.25, 2.5, 1, 12.75, 13],
    ]);
    expect(Array.from(array('query_points').data)).toEqual([0, 2.5, 1.25, 1, 13, 12.75]);
    expect([array('frames').type, Array.from(array('frames').data)]).toEqual(['int32', [4, 6, 8]]);
  });

  it('writes .npy: the tracks array alone', async () => {
    await writeTracks(join(dir, 't.npy'), output);
    const t = readNpy(new Uint8Array(readFileSync(join(dir, 't.npy')))) as { type: string; dims: readonly number[]; data: Float32Array };
    expect([t.type, t.dims]).toEqual(['float32', [2, 3, 2]]);
    expect(Array.from(t.data.subarray(8))).toEqual([12.75, 13, 14, 15]);
  });

  it('rejects an unknown extension', async () => {
    await expect(writeTracks(join(dir, 't.txt'), output)).rejects.toThrow('--out must end in .json, .csv, .npy or .npz, got ');
  });
});
