// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tensor, writeNpy } from '@taptr/tensor';
import { readTracksFile } from '@taptr/tracker';
import { runCli } from '../test-io.js';

let dir: string;
const W = 24;
const H = 16;
const T = 5;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'taptr-track-'));
  const frames = join(dir, 'frames');
  mkdirSync(frames);
  for (let t = 0; t < T; t++) {
    const png = new PNG({ width: W, height: H });
    png.data.fill(100 + t);
    writeFileSync(join(frames, `${t}.png`), PNG.sync.write(png));
  }
  writeFileSync(join(dir, 'video.npy'), writeNpy(tensor('uint8', [T, H, W, 3], new Uint8Array(T * H * W * 3).fill(50))));
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    `testsrc=size=${W}x${H}:rate=10`,
    '-frames:v',
    String(T),
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    join(dir, 'clip.mp4'),
  ]);
  writeFileSync(
    join(dir, 'q.json'),
    JSON.stringify([
      { t: 0, x: 3, y: 4 },
      { t: 2, x: 20.5, y: 10 },
    ]),
  );
  writeFileSync(join(dir, 'q.csv'), 't,x,y\n1,5,5\n');
  writeFileSync(join(dir, 'xy.json'), JSON.stringify([[3, 4]]));
  const mask = new PNG({ width: W, height: H });
  mask.data.fill(0);
  for (let y = 0; y < H; y++) for (let x = 0; x < W / 2; x++) mask.data.fill(255, (y * W + x) * 4, (y * W + x) * 4 + 4);
  writeFileSync(join(dir, 'mask.png'), PNG.sync.write(mask));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('taptr track', () => {
  it('tracks .json queries on a PNG folder and writes the JSON document', async () => {
    const out = join(dir, 'a.json');
    const run = await runCli(['track', join(dir, 'frames'), '--baseline', 'stationary', '--queries', join(dir, 'q.json'), '--out', out]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`tracked 2 points over ${T} frames`);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as {
      format: string;
      version: number;
      mode: string;
      video: unknown;
      tracks: (number[] | null)[][];
      visible: boolean[][];
      queries: unknown[];
      backend: string;
    };
    expect(doc).toMatchObject({ format: 'taptr-tracks', version: 2, mode: 'forward' });
    expect(doc.video).toEqual({ width: W, height: H, frames: T });
    expect(doc.queries).toEqual([
      { t: 0, x: 3, y: 4 },
      { t: 2, x: 20.5, y: 10 },
    ]);
    expect(doc.tracks).toHaveLength(2);
    expect(doc.tracks[1]).toHaveLength(T);
    expect(doc.tracks[1]![4]).toEqual([20.5, 10]);
    expect(doc.visible[0]).toEqual(new Array(T).fill(true));
    // Point 1 is queried at frame 2: forward tracking gives frames 0 and 1 no position, like the overlay.
    expect(doc.tracks[1]!.slice(0, 3)).toEqual([null, null, [20.5, 10]]);
    expect(doc.visible[1]).toEqual([false, false, true, true, true]);
    expect(doc.backend).toBe('baseline');
    expect(readTracksFile(readFileSync(out, 'utf8')).queries).toHaveLength(2);
  });

  it('--bidirectional keeps the positions before the query frame', async () => {
    const out = join(dir, 'bi.json');
    const run = await runCli(['track', join(dir, 'frames'), '--baseline', 'stationary', '--queries', join(dir, 'q.json'), '--bidirectional', '--out', out]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const doc = readTracksFile(readFileSync(out, 'utf8'));
    expect(doc.mode).toBe('bidirectional');
    expect(Array.from(doc.tracks.subarray(T * 2, T * 2 + 4))).toEqual([20.5, 10, 20.5, 10]);
    expect(Array.from(doc.visible.subarray(T))).toEqual(new Array(T).fill(1));
  });

  it('tracks a masked grid on a .npy video and writes CSV', async () => {
    const out = join(dir, 'grid.csv');
    const run = await runCli([
      'track',
      join(dir, 'video.npy'),
      '--baseline',
      'stationary',
      '--grid',
      '4',
      '--grid-frame',
      '1',
      '--mask',
      join(dir, 'mask.png'),
      '--out',
      out,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { points: number; frames: number };
    expect(report).toMatchObject({ points: 8, frames: T });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('point,t,x,y,visible');
    expect(lines).toHaveLength(1 + 8 * T);
    // Grid x = (i + 0.5) * 24 / 4 - 0.5 = 2.5, 8.5 (left half only); y = (j + 0.5) * 16 / 4 - 0.5.
    // Frame 0 is before the grid frame: no position (empty cells), not visible.
    expect(lines.slice(1, 3)).toEqual(['0,0,,,0', '0,1,2.5,1.5,1']);
  });

  it('reads an mp4 (ffmpeg) and writes an overlay video and its summary PNG', async () => {
    const overlay = join(dir, 'overlay.mp4');
    const run = await runCli([
      'track',
      join(dir, 'clip.mp4'),
      '--baseline',
      'stationary',
      '--queries',
      join(dir, 'q.csv'),
      '--out',
      join(dir, 'c.json'),
      '--overlay',
      overlay,
    ]);
    expect(run.code).toBe(0);
    expect(existsSync(overlay)).toBe(true);
    expect(existsSync(join(dir, 'overlay.summary.png'))).toBe(true);
    expect(run.stdout).toContain(`summary: ${join(dir, 'overlay.summary.png')}`);
    const frames = join(dir, 'overlay-frames');
    const run2 = await runCli([
      'track',
      join(dir, 'clip.mp4'),
      '--baseline',
      'stationary',
      '--queries',
      join(dir, 'q.csv'),
      '--out',
      join(dir, 'c.csv'),
      '--overlay',
      frames,
    ]);
    expect(run2.code).toBe(0);
    expect(existsSync(join(frames, 'frame_00004.png'))).toBe(true);
    expect(existsSync(join(frames, 'summary.png'))).toBe(true);
    // A trailing / names a folder even when the name has a dot.
    const dotted = join(dir, 'overlay.v2');
    const run3 = await runCli([
      'track',
      join(dir, 'frames'),
      '--baseline',
      'stationary',
      '--queries',
      join(dir, 'q.json'),
      '--out',
      join(dir, 'd.json'),
      '--overlay',
      `${dotted}/`,
    ]);
    expect(run3).toMatchObject({ code: 0, stderr: '' });
    expect(existsSync(join(dotted, 'frame_00000.png'))).toBe(true);
  });

  it('refuses an unknown overlay extension before any work, listing the accepted ones', async () => {
    const gif = join(dir, 'out.gif');
    const out = join(dir, 'never.json');
    const run = await runCli(['track', join(dir, 'frames'), '--baseline', 'stationary', '--queries', join(dir, 'q.json'), '--out', out, '--overlay', gif]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `taptr track: --overlay must be a video file ending in .mp4, .mov, .mkv or .webm, or a folder for PNG frames (a path without an extension, or ending in /), got ${gif}\n`,
    );
    expect(existsSync(gif)).toBe(false);
    expect(existsSync(out)).toBe(false);
    const summary = await runCli([
      'track',
      join(dir, 'frames'),
      '--baseline',
      'stationary',
      '--queries',
      join(dir, 'q.json'),
      '--out',
      out,
      '--overlay',
      join(dir, 'o.mp4'),
      '--summary',
      join(dir, 's.jpg'),
    ]);
    expect(summary).toMatchObject({ code: 2, stderr: `taptr track: --summary must end in .png, got ${join(dir, 's.jpg')}\n` });
    expect(existsSync(out)).toBe(false);
    const help = await runCli(['track', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('.mp4, .mov, .mkv or .webm, or a folder for PNG frames');
  });

  it('rejects (x, y) where (t, x, y) was expected with a one-line usage error', async () => {
    const run = await runCli(['track', join(dir, 'frames'), '--baseline', 'stationary', '--queries', join(dir, 'xy.json'), '--out', join(dir, 'x.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'taptr track: xy.json: item 0: must be an object {"t", "x", "y"}, got [3, 4] (an (x, y) pair? a query also needs its frame t); queries are (t, x, y): frame index, then pixel x and y\n',
    );
    expect(run.stdout).toBe('');
  });

  it.each([
    [['--queries', 'q.json'], 'give --out FILE (.json, .csv, .npy or .npz), --overlay or --summary: nothing would be written'],
    [['--queries', 'q.json', '--out', 'x.txt'], '--out must end in .json, .csv, .npy or .npz, got x.txt'],
    [['--out', 'x.json'], 'give exactly one of --queries FILE or --grid N'],
    [['--queries', 'q.json', '--grid', '3', '--out', 'x.json'], 'give exactly one of --queries FILE or --grid N'],
    [['--queries', 'q.json', '--mask', 'mask.png', '--out', 'x.json'], '--mask needs --grid N'],
    [['--grid', '0', '--out', 'x.json'], "option '--grid <n>' argument '0' is invalid. must be a positive integer."],
    [['--grid', '2', '--out', 'x.json', '--backend', 'cuda'], "option '--backend <name>' argument 'cuda' is invalid. must be one of cpu, wasm, webgpu."],
    [['--grid', '2', '--grid-frame', '9', '--out', 'x.json'], '--grid-frame must be a frame index in [0, 4], got 9'],
    [['--grid', '2', '--out', 'x.json', '--bogus'], "unknown option '--bogus'"],
    [['--grid', '2', '--out', 'x.json', '--model', 'm'], 'give either --model or --baseline, not both'],
    [['--grid', '2', '--out', 'x.json', '--start', '5'], 'start frame 5 is past the last frame (the video has 5 frames, 0 to 4)'],
    [['--grid', '2', '--out', 'x.json', '--start', '3', '--end', '2'], '--end must be a frame after --start (3), got 2'],
    [['--grid', '2', '--out', 'x.json', '--stride', '0'], "option '--stride <k>' argument '0' is invalid. must be a positive integer."],
    [
      ['--grid', '2', '--out', 'x.json', '--colors', 'blurple'],
      "option '--colors <mode>' argument 'blurple' is invalid. must be rainbow, by-query, a CSS colour name (e.g. orange) or #rrggbb.",
    ],
    [['--grid', '2', '--out', 'x.json', '--point-size', '-1'], "option '--point-size <px>' argument '-1' is invalid. must be a positive number."],
    [['--grid', '2', '--online', '--overlay', 'o.mp4'], '--overlay needs the whole run: it cannot be used with --online (drop --online for it)'],
    [
      ['--grid', '2', '--online', '--out', 'x.json'],
      '--out must end in .jsonl with --online (one JSON line per frame), got x.json; or leave it out for stdout',
    ],
    [['--grid', '3', '--add-points', 'q.csv', '--out', 'x.json'], '--add-points needs --online'],
    [
      ['--grid', '2', '--queue', 'redis://127.0.0.1:1', '--out-dir', 'o', '--max-frames', '3'],
      '--max-frames does not apply with --queue (queued jobs track whole videos at their size)',
    ],
    [['--grid', '2', '--queue', 'redis://127.0.0.1:1', '--out-dir', 'o', '--online'], '--online does not apply with --queue (online tracking runs locally)'],
  ])('exits 2 with one line for usage error %#', async (args, message) => {
    const abs = args.map((a) => (a.endsWith('.json') && a !== 'x.json' ? join(dir, a) : a.endsWith('.png') ? join(dir, a) : a));
    const run = await runCli(['track', join(dir, 'frames'), '--baseline', 'stationary', ...abs]);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')).toHaveLength(2);
    expect(run.stderr).toContain(message);
  });

  it('requires --model unless a baseline is chosen', async () => {
    const run = await runCli(['track', join(dir, 'frames'), '--grid', '2', '--out', join(dir, 'x.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('taptr track: --model is required (a folder from taptr convert, or a .pth checkpoint)\n');
  });

  it('exits 1 with one line for a missing or undecodable video', async () => {
    const missing = await runCli(['track', join(dir, 'nope.mp4'), '--baseline', 'stationary', '--grid', '2', '--out', join(dir, 'x.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`taptr track: ${join(dir, 'nope.mp4')}: no such file or folder\n`);
    writeFileSync(join(dir, 'bad.mp4'), 'not a video');
    const bad = await runCli(['track', join(dir, 'bad.mp4'), '--baseline', 'stationary', '--grid', '2', '--out', join(dir, 'x.json')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^taptr track: cannot read video .*bad\.mp4: .*\n$/);
  });

  it('prints help with examples', async () => {
    const run = await runCli(['track', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--grid-frame');
  });
});
