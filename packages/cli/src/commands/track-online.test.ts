// SPDX-License-Identifier: Apache-2.0
// taptr track --online with the zero-motion baseline (the format, --add-points, a 600-frame video);
// with the model: test/online.test.ts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tensor, writeNpy } from '@taptr/tensor';
import type { CliIo } from '../cli-io.js';
import { main } from '../main.js';
import { runCli } from '../test-io.js';

let dir: string;
const W = 32;
const H = 20;
const T = 9;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'taptr-online-'));
  writeFileSync(join(dir, 'video.npy'), writeNpy(tensor('uint8', [T, H, W, 3], new Uint8Array(T * H * W * 3).fill(70))));
  writeFileSync(
    join(dir, 'q.json'),
    JSON.stringify([
      { t: 0, x: 3, y: 4 },
      { t: 2, x: 20.5, y: 10 },
    ]),
  );
  writeFileSync(join(dir, 'add.csv'), 't,x,y\n5,7,8\n3,1.5,2\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Line = Record<string, unknown>;
const lines = (text: string): Line[] =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);

describe('taptr track --online (baseline)', () => {
  it('JSONL on stdout: a header stating the latency, one line per frame with the points started by then, a last line', async () => {
    const run = await runCli([
      'track',
      join(dir, 'video.npy'),
      '--baseline',
      'stationary',
      '--queries',
      join(dir, 'q.json'),
      '--add-points',
      join(dir, 'add.csv'),
      '--online',
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const [header, ...rest] = lines(run.stdout);
    expect(header).toMatchObject({
      format: 'taptr-online-tracks',
      version: 1,
      latency: { frames: 0 },
      video: { width: W, height: H, frames: T },
      points: [
        { id: 0, t: 0, x: 3, y: 4, added: false },
        { id: 1, t: 2, x: 20.5, y: 10, added: false },
        { id: 2, t: 5, x: 7, y: 8, added: true },
        { id: 3, t: 3, x: 1.5, y: 2, added: true },
      ],
      backend: 'baseline',
    });
    const frames = rest.slice(0, -1);
    expect(frames.map((l) => l['t'])).toEqual(Array.from({ length: T }, (_, t) => t));
    // Each point from its own frame on: 0 from 0, 1 from 2, 3 (added) from 3, 2 (added) from 5.
    expect(frames.map((l) => l['ids'])).toEqual([[0], [0], [0, 1], [0, 1, 3], [0, 1, 3], [0, 1, 3, 2], [0, 1, 3, 2], [0, 1, 3, 2], [0, 1, 3, 2]]);
    expect(frames[5]).toEqual({
      t: 5,
      ids: [0, 1, 3, 2],
      xy: [
        [3, 4],
        [20.5, 10],
        [1.5, 2],
        [7, 8],
      ],
      visible: [true, true, true, true],
    });
    expect(rest.at(-1)).toMatchObject({ done: true, frames: T });
  });

  it('--out x.jsonl: the lines go to the file, the summary line to stdout; frame selection and --resize apply', async () => {
    const out = join(dir, 'o.jsonl');
    const run = await runCli([
      'track',
      join(dir, 'video.npy'),
      '--baseline',
      'stationary',
      '--grid',
      '2',
      '--online',
      '--out',
      out,
      '--start',
      '2',
      '--stride',
      '3',
      '--resize',
      '10',
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`tracked 4 points online over 3 frames (baseline, latency 0 frames): ${out}\n`);
    const [header, first] = lines(readFileSync(out, 'utf8'));
    expect(header!['video']).toEqual({ width: W, height: H, frames: 3, source: { start: 2, stride: 3, frames: T } });
    // Grid of the original 32x20 frame, reported back in its pixels (the tracker saw 16x10).
    expect((first!['xy'] as number[][])[0]![0]).toBeCloseTo(7.5, 5);
    expect((first!['xy'] as number[][])[3]![1]).toBeCloseTo(14.5, 5);
  });

  it('600 generated frames (ffmpeg testsrc): every frame written, memory flat (RSS sampled at every line)', async () => {
    const clip = join(dir, 'long.mp4');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=25',
      '-frames:v',
      '600',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      clip,
    ]);
    let count = 0;
    const rss: number[] = [];
    let tail = '';
    const io: CliIo = {
      stdout: {
        write: (s: string) => {
          count += s.split('\n').length - 1;
          rss.push(process.memoryUsage.rss());
          tail = s;
          return true;
        },
        isTTY: false,
      },
      stderr: { write: () => true, isTTY: false },
      env: process.env,
    };
    const code = await main(['track', clip, '--baseline', 'stationary', '--grid', '4', '--online'], io);
    expect(code).toBe(0);
    expect(count).toBe(1 + 600 + 1);
    expect(JSON.parse(tail)).toMatchObject({ done: true, frames: 600 });
    // 600 frames of 320x240 are 138 MB: kept, they would show; growth after the first 100 lines stays far below.
    const growth = Math.max(...rss.slice(100)) - rss[100]!;
    expect(growth, `RSS grew by ${(growth / 2 ** 20).toFixed(1)} MB`).toBeLessThan(64 * 2 ** 20);
  }, 60_000);
});
