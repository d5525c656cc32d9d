// SPDX-License-Identifier: Apache-2.0
// taptr track's inputs (JPEG folders, frame selection, --resize) and outputs (.npy/.npz, overlay
// options, --out optional) with the zero-motion baseline; --online in track-online.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy } from '@taptr/tensor';
import { pointColor } from '@taptr/tensor/track-style';
import { readTracksFile } from '@taptr/tracker';
import { runCli } from '../test-io.js';

const W = 40;
const H = 24;
const T = 12;
let dir: string;

function framePng(t: number): Buffer {
  const png = new PNG({ width: W, height: H });
  for (let i = 0; i < W * H; i++) png.data.set([(i * 3 + t * 20) & 255, (i + t * 7) & 255, 90, 255], i * 4);
  return PNG.sync.write(png);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'taptr-track-io-'));
  mkdirSync(join(dir, 'png'));
  for (let t = 0; t < T; t++) writeFileSync(join(dir, 'png', `${t}.png`), framePng(t));
  // TAP-Vid DAVIS style: a folder of numbered JPEG frames.
  mkdirSync(join(dir, 'jpg'));
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${W}x${H}:rate=10`,
    '-frames:v',
    String(T),
    '-q:v',
    '2',
    join(dir, 'jpg', '%05d.jpg'),
  ]);
  writeFileSync(
    join(dir, 'q.json'),
    JSON.stringify([
      { t: 0, x: 10, y: 8 },
      { t: 2, x: 30.5, y: 20 },
    ]),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const track = (...args: string[]) => runCli(['track', ...args, '--baseline', 'stationary']);

describe('taptr track inputs', () => {
  it('reads a folder of JPEG frames (TAP-Vid DAVIS layout)', async () => {
    const out = join(dir, 'jpg.json');
    const run = await track(join(dir, 'jpg'), '--queries', join(dir, 'q.json'), '--out', out);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const doc = readTracksFile(readFileSync(out, 'utf8'));
    expect(doc.video).toEqual({ width: W, height: H, frames: T });
  });

  it('--start --end --stride --max-frames: only those frames (frame t = source frame start + t·stride), said in the tracks file', async () => {
    // Frames the selection skips are broken: reading one would fail.
    const sparse = join(dir, 'sparse');
    mkdirSync(sparse);
    for (let t = 0; t < T; t++) writeFileSync(join(sparse, `${t}.png`), [3, 5, 7, 9].includes(t) ? framePng(t) : Buffer.from('not a png'));
    const out = join(dir, 'sel.json');
    const run = await track(sparse, '--queries', join(dir, 'q.json'), '--start', '3', '--end', '11', '--stride', '2', '--out', out, '--json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ frames: 4, points: 2 });
    const doc = readTracksFile(readFileSync(out, 'utf8'));
    expect(doc.video).toEqual({ width: W, height: H, frames: 4, source: { start: 3, stride: 2, frames: T } });
    // Query t = 2 is the third selected frame (source frame 7): no position before it.
    expect(Array.from(doc.visible.subarray(4))).toEqual([0, 0, 1, 1]);
    const capped = await track(sparse, '--queries', join(dir, 'q.json'), '--start', '3', '--stride', '2', '--max-frames', '3', '--out', join(dir, 'cap.json'));
    expect(capped.code).toBe(0);
    expect(readTracksFile(readFileSync(join(dir, 'cap.json'), 'utf8')).video).toMatchObject({ frames: 3, source: { start: 3, stride: 2 } });
    // The same range on an mp4: ffmpeg selects the frames.
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-framerate',
      '10',
      '-i',
      join(dir, 'png', '%d.png'),
      '-c:v',
      'libx264',
      '-pix_fmt',
      'yuv444p',
      '-qp',
      '0',
      join(dir, 'clip.mp4'),
    ]);
    const mp4 = await track(join(dir, 'clip.mp4'), '--grid', '2', '--start', '3', '--end', '11', '--stride', '2', '--out', join(dir, 'mp4.json'));
    expect(mp4.code).toBe(0);
    expect(readTracksFile(readFileSync(join(dir, 'mp4.json'), 'utf8')).video).toEqual({
      width: W,
      height: H,
      frames: 4,
      source: { start: 3, stride: 2, frames: T },
    });
  });

  it('--resize: the tracker sees smaller frames; queries, tracks and the file stay in the original pixels', async () => {
    const out = join(dir, 'resized.json');
    const run = await track(join(dir, 'png'), '--queries', join(dir, 'q.json'), '--resize', '12', '--out', out);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const doc = readTracksFile(readFileSync(out, 'utf8'));
    expect(doc.video).toEqual({ width: W, height: H, frames: T });
    // The zero-motion baseline keeps each query where it is: mapped to the 20x12 frames and back.
    expect(doc.tracks[0]).toBeCloseTo(10, 5);
    expect(doc.tracks[1]).toBeCloseTo(8, 5);
    expect(doc.tracks[(1 * T + 2) * 2]).toBeCloseTo(30.5, 5);
    // A grid is placed on the original frame (cell centres of 40x24), not on the resized one.
    const grid = await track(join(dir, 'png'), '--grid', '2', '--resize', '12', '--out', join(dir, 'grid.json'));
    expect(grid.code).toBe(0);
    expect(readTracksFile(readFileSync(join(dir, 'grid.json'), 'utf8')).queries).toEqual([
      { t: 0, x: 9.5, y: 5.5 },
      { t: 0, x: 29.5, y: 5.5 },
      { t: 0, x: 9.5, y: 17.5 },
      { t: 0, x: 29.5, y: 17.5 },
    ]);
  });
});

describe('taptr track outputs', () => {
  it('.npz: tracks, visible, queries, query_points and frames, equal to the JSON of the same run', async () => {
    const args = [join(dir, 'png'), '--queries', join(dir, 'q.json'), '--start', '1', '--stride', '3'];
    expect((await track(...args, '--out', join(dir, 'a.npz'))).code).toBe(0);
    expect((await track(...args, '--out', join(dir, 'a.json'))).code).toBe(0);
    expect((await track(...args, '--out', join(dir, 'a.npy'))).code).toBe(0);
    const doc = readTracksFile(readFileSync(join(dir, 'a.json'), 'utf8'));
    const npz = unzipSync(new Uint8Array(readFileSync(join(dir, 'a.npz'))));
    const get = (name: string): { type: string; dims: readonly number[]; data: ArrayLike<number> } =>
      readNpy(npz[`${name}.npy`]!) as { type: string; dims: readonly number[]; data: ArrayLike<number> };
    expect([get('tracks').type, get('tracks').dims]).toEqual(['float32', [2, 4, 2]]);
    expect(Array.from(get('tracks').data)).toEqual(Array.from(doc.tracks));
    expect([get('visible').type, Array.from(get('visible').data)]).toEqual(['bool', Array.from(doc.visible)]);
    expect(Array.from(get('queries').data)).toEqual([0, 10, 8, 2, 30.5, 20]);
    expect(Array.from(get('query_points').data)).toEqual([0, 8, 10, 2, 20, 30.5]);
    expect(Array.from(get('frames').data)).toEqual([1, 4, 7, 10]);
    const npy = readNpy(new Uint8Array(readFileSync(join(dir, 'a.npy'))));
    expect([npy.dims, Array.from(npy.data as Float32Array)]).toEqual([[2, 4, 2], Array.from(doc.tracks)]);
  });

  it('--overlay without --out; --summary alone writes only the summary', async () => {
    const frames = join(dir, 'only-overlay');
    const run = await track(join(dir, 'png'), '--grid', '3', '--overlay', frames);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('tracked 9 points over 12 frames');
    expect(readdirSync(frames)).toHaveLength(T + 1);
    const summary = join(dir, 'alone.png');
    const alone = await track(join(dir, 'png'), '--grid', '3', '--summary', summary);
    expect(alone).toMatchObject({ code: 0, stderr: '' });
    expect(alone.stdout).toContain(`summary: ${summary}`);
    // 40x24 is upscaled 8x before drawing (short side >= 360 px, at most 8x).
    const png = PNG.sync.read(readFileSync(summary));
    expect([png.width, png.height]).toEqual([W * 8, H * 8]);
  });

  it('overlay options: --point-size, --colors (one colour, by-query), --trail, --line-width', async () => {
    const pixel = (folder: string, frame: number, x: number, y: number): number[] => {
      const png = PNG.sync.read(readFileSync(join(folder, `frame_${String(frame).padStart(5, '0')}.png`)));
      const i = (y * png.width + x) * 4;
      return [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    };
    // Query (10, 8) in the 8x upscaled overlay is at (10.5 * 8 - 0.5, 8.5 * 8 - 0.5) = (83.5, 67.5).
    const red = join(dir, 'red');
    expect(
      (
        await track(
          join(dir, 'png'),
          '--queries',
          join(dir, 'q.json'),
          '--overlay',
          red,
          '--colors',
          'red',
          '--point-size',
          '10',
          '--trail',
          '0',
          '--line-width',
          '3',
        )
      ).code,
    ).toBe(0);
    expect(pixel(red, 0, 83, 67)).toEqual([255, 0, 0]);
    expect(pixel(red, 0, 83 + 8, 67)).toEqual([255, 0, 0]); // within the 10 px radius
    const small = join(dir, 'small');
    expect((await track(join(dir, 'png'), '--queries', join(dir, 'q.json'), '--overlay', small, '--colors', '#00ff00', '--point-size', '3')).code).toBe(0);
    expect(pixel(small, 0, 83, 67)).toEqual([0, 255, 0]);
    expect(pixel(small, 0, 83 + 8, 67)).not.toEqual([0, 255, 0]); // outside the 3 px radius
    const byQuery = join(dir, 'by-query');
    expect((await track(join(dir, 'png'), '--queries', join(dir, 'q.json'), '--overlay', byQuery, '--colors', 'by-query')).code).toBe(0);
    expect(pixel(byQuery, 0, 83, 67)).toEqual([...pointColor(0)]);
  });
});
