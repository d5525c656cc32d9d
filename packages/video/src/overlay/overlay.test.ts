// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { tensor } from '@taptr/tensor';
import { pointColor, type TrackSet } from '@taptr/tensor/track-style';
import { videoFromTensor } from '../input/video-source.js';
import { drawOverlayFrame, drawSummary } from './draw-tracks.js';
import { overlayTarget } from './frame-sink.js';
import { fillDisc, type RgbImage, strokeRing, strokeSegment, upscale } from './rgb-image.js';
import { writeOverlay } from './write-overlay.js';

const black = (width: number, height: number): RgbImage => ({ width, height, data: new Uint8Array(width * height * 3) });
const px = (image: RgbImage, x: number, y: number): number[] => [...image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3)];

const dir = mkdtempSync(join(tmpdir(), 'taptr-overlay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pixel drawing', () => {
  it('fills a disc: full colour inside, partial at the edge, untouched outside', () => {
    const img = black(20, 20);
    fillDisc(img, 10, 10, 3, [200, 100, 50]);
    expect(px(img, 10, 10)).toEqual([200, 100, 50]);
    expect(px(img, 13, 10)).toEqual([100, 50, 25]); // distance 3 = radius: half coverage
    expect(px(img, 15, 10)).toEqual([0, 0, 0]);
  });

  it('strokes a ring that leaves its centre untouched', () => {
    const img = black(20, 20);
    strokeRing(img, 10, 10, 4, 1, [255, 255, 255]);
    expect(px(img, 10, 10)).toEqual([0, 0, 0]);
    expect(px(img, 14, 10)).toEqual([255, 255, 255]);
    expect(px(img, 10, 6)).toEqual([255, 255, 255]);
  });

  it('strokes a segment between its end points only', () => {
    const img = black(20, 20);
    strokeSegment(img, 2, 5, 12, 5, 1, [255, 0, 0]);
    expect(px(img, 7, 5)).toEqual([255, 0, 0]);
    expect(px(img, 7, 7)).toEqual([0, 0, 0]);
    expect(px(img, 15, 5)).toEqual([0, 0, 0]);
  });

  it('upscales by an integer factor with nearest neighbour', () => {
    const img = black(2, 1);
    img.data.set([10, 20, 30, 40, 50, 60]);
    const up = upscale(img, 2);
    expect([up.width, up.height]).toEqual([4, 2]);
    expect(px(up, 1, 1)).toEqual([10, 20, 30]);
    expect(px(up, 2, 0)).toEqual([40, 50, 60]);
  });
});

// Two points over 4 frames: point 0 moves right and is occluded at frame 2; point 1 starts at frame 1.
const set: TrackSet = {
  points: 2,
  frames: 4,
  tracks: new Float32Array([4, 10, 8, 10, 12, 10, 16, 10, /* point 1 */ 0, 0, 20, 20, 20, 22, 20, 24]),
  visible: new Uint8Array([1, 1, 0, 1, /* point 1 */ 0, 1, 1, 1]),
  startFrame: [0, 1],
};
const style = { scale: 1, radius: 2, trail: 3, colors: 'by-query' } as const;

describe('drawOverlayFrame', () => {
  it('draws a filled marker in the point colour when visible, a hollow ring when occluded, and the trail', () => {
    const f1 = drawOverlayFrame(black(32, 32), 1, set, style);
    expect(px(f1, 8, 10)).toEqual([...pointColor(0)]);
    expect(px(f1, 20, 20)).toEqual([...pointColor(1)]);
    const f2 = drawOverlayFrame(black(32, 32), 2, set, style);
    expect(px(f2, 6, 10).some((v) => v > 0)).toBe(true); // trail from frame 0 to 1
    const noTrail = drawOverlayFrame(black(32, 32), 2, set, { ...style, trail: 0 });
    expect(px(noTrail, 12, 10)).toEqual([0, 0, 0]); // hollow: centre untouched
    expect(px(noTrail, 14, 10).some((v) => v > 0)).toBe(true); // ring at radius 2
    expect(px(noTrail, 6, 10)).toEqual([0, 0, 0]);
  });

  it('does not draw a point before its start frame', () => {
    const f0 = drawOverlayFrame(black(32, 32), 0, set, style);
    expect(px(f0, 0, 0)).toEqual([0, 0, 0]);
  });

  it('draws whole trajectories on the summary', () => {
    const s = drawSummary(black(32, 32), set, style);
    expect(px(s, 4, 10)).toEqual([...pointColor(0)]); // start disc of point 0
    expect(px(s, 20, 21).some((v) => v > 0)).toBe(true); // path of point 1
  });
});

describe('overlayTarget', () => {
  it('takes video extensions as videos, extension-less paths and trailing / as folders, and refuses the rest', () => {
    expect(['a.mp4', 'dir/b.MOV', 'c.mkv', 'd.webm'].map(overlayTarget)).toEqual(['video', 'video', 'video', 'video']);
    expect(['frames', 'out/frames', 'out.v2/', '.hidden', './'].map(overlayTarget)).toEqual([
      'png-folder',
      'png-folder',
      'png-folder',
      'png-folder',
      'png-folder',
    ]);
    expect(['out.gif', 'out.avi', 'x.png', 'out.v2'].map(overlayTarget)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('writeOverlay', () => {
  const frames = tensor('uint8', [4, 32, 32, 3], new Uint8Array(4 * 32 * 32 * 3).fill(40));
  const video = videoFromTensor(frames, 'mem', 10);

  it('refuses an unknown extension without writing anything', async () => {
    const gif = join(dir, 'out.gif');
    await expect(writeOverlay(video, set, gif, { style })).rejects.toThrow(
      /^the overlay must be a video file ending in \.mp4, \.mov, \.mkv or \.webm, or a folder for PNG frames/,
    );
    expect(existsSync(gif)).toBe(false);
  });

  it('writes an mp4 (ffmpeg) with every frame and a summary PNG', async () => {
    const out = join(dir, 'overlay.mp4');
    const n = await writeOverlay(video, set, out, { summary: join(dir, 'summary.png'), style: { scale: 2, radius: 3, trail: 3 } });
    expect(n).toBe(4);
    const probe = JSON.parse(
      execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=width,height,nb_read_frames,codec_name', '-of', 'json', out], {
        encoding: 'utf8',
      }),
    ) as { streams: { width: number; height: number; nb_read_frames: string; codec_name: string }[] };
    expect(probe.streams[0]).toEqual({ codec_name: 'h264', width: 64, height: 64, nb_read_frames: '4' });
    const summary = PNG.sync.read(readFileSync(join(dir, 'summary.png')));
    expect([summary.width, summary.height]).toEqual([64, 64]);
  });

  it('writes PNG frames into a folder when the target is not a video file', async () => {
    const out = join(dir, 'frames');
    await writeOverlay(video, set, out, { style });
    expect(readdirSync(out).sort()).toEqual(['frame_00000.png', 'frame_00001.png', 'frame_00002.png', 'frame_00003.png']);
    const f1 = PNG.sync.read(readFileSync(join(out, 'frame_00001.png')));
    const i = (10 * 32 + 8) * 4;
    expect([...f1.data.subarray(i, i + 3)]).toEqual([...pointColor(0)]);
  });

  it('reports a clear error when ffmpeg is missing', async () => {
    const env = { ...process.env, TAPTR_FFMPEG: join(dir, 'no-ffmpeg') };
    await expect(writeOverlay(video, set, join(dir, 'x.mp4'), { style, env })).rejects.toThrow(/no-ffmpeg was not found/);
  });
});
