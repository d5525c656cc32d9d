// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { float32Number, type TrackOutput } from './track-output.js';
import { tracksToCsv, writeTracks } from './write-tracks.js';

const tracks = new Float32Array([1.25, 2.5, 3.1, 4.2, 5, 6, /* point 1 */ 10, 11, 12.75, 13, Number.NaN, 15]);
const output: TrackOutput = {
  video: { width: 32, height: 24, frames: 3 },
  queries: [
    { t: 0, x: 1.25, y: 2.5 },
    { t: 1, x: 12.75, y: 13 },
  ],
  tracks,
  visible: new Uint8Array([1, 1, 0, 0, 1, 1]),
  backend: 'cpu',
  model: { path: 'models/x' },
  timings: { totalMs: 12 },
};
const dir = mkdtempSync(join(tmpdir(), 'taptr-tracks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeTracks', () => {
  it('writes JSON with [N][T][2] tracks and [N][T] visibility that read back to the float32 values', async () => {
    await writeTracks(join(dir, 't.json'), output);
    const doc = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['video', 'queries', 'tracks', 'visible', 'backend', 'model', 'timings']);
    expect(doc['video']).toEqual({ width: 32, height: 24, frames: 3 });
    expect(doc['queries']).toEqual(output.queries);
    const back = (doc['tracks'] as (number | null)[][][]).flat(2);
    back.forEach((v, i) => (Number.isNaN(tracks[i]) ? expect(v).toBeNull() : expect(Math.fround(v!)).toBe(tracks[i])));
    expect(doc['visible']).toEqual([
      [true, true, false],
      [false, true, true],
    ]);
    expect(doc['backend']).toBe('cpu');
  });

  it('writes CSV rows point,t,x,y,visible', async () => {
    await writeTracks(join(dir, 't.csv'), output);
    const lines = readFileSync(join(dir, 't.csv'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1 + 6);
    expect(lines[0]).toBe('point,t,x,y,visible');
    expect(lines[1]).toBe('0,0,1.25,2.5,1');
    expect(lines[2]).toBe('0,1,3.1,4.2,1');
    expect(lines[5]).toBe('1,1,12.75,13,1');
    expect(lines[6]).toBe('1,2,nan,15,1');
    expect(tracksToCsv(output).split('\n')).toHaveLength(8);
  });

  it('rejects an unknown extension', async () => {
    await expect(writeTracks(join(dir, 't.txt'), output)).rejects.toThrow(/--out must end in \.json or \.csv/);
  });
});

describe('float32Number', () => {
  it('gives the shortest text that reads back to the same float32', () => {
    expect(float32Number(Math.fround(0.1))).toBe(0.1);
    expect(float32Number(Math.fround(123.456789))).toBe(123.45679);
    expect(Math.fround(float32Number(Math.fround(1 / 3))!)).toBe(Math.fround(1 / 3));
    expect(float32Number(Number.POSITIVE_INFINITY)).toBeNull();
  });
});
