// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTaptrError, tensor, writeNpy } from '@taptr/tensor';
import { naturalCompare } from './natural-compare.js';
import { openVideo } from './open-video.js';
import { readAllFrames } from './video-source.js';

const W = 20;
const H = 14;
const T = 6;

/** A known synthetic frame: every pixel's value depends on (t, y, x, c). */
function synthFrame(t: number): Uint8Array {
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      rgb[i] = (x * 12 + t * 7) & 255;
      rgb[i + 1] = (y * 17 + t * 3) & 255;
      rgb[i + 2] = (x * y + t * 31) & 255;
    }
  }
  return rgb;
}

function writePng(path: string, rgb: Uint8Array, width = W, height = H): void {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[i * 4] = rgb[i * 3]!;
    png.data[i * 4 + 1] = rgb[i * 3 + 1]!;
    png.data[i * 4 + 2] = rgb[i * 3 + 2]!;
    png.data[i * 4 + 3] = 255;
  }
  writeFileSync(path, PNG.sync.write(png));
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'taptr-video-'));
  const pngDir = join(dir, 'frames');
  mkdirSync(pngDir);
  // Names chosen so plain sorting would give the wrong order (frame10 before frame2).
  for (let t = 0; t < T; t++) writePng(join(pngDir, `frame${t * 5}.png`), synthFrame(t));
  writeFileSync(join(pngDir, 'notes.txt'), 'not a frame');
  const seqDir = join(dir, 'seq');
  mkdirSync(seqDir);
  for (let t = 0; t < T; t++) writePng(join(seqDir, `${String(t).padStart(3, '0')}.png`), synthFrame(t));
  // Lossless RGB video (ffv1) built from the PNG frames, so decoding must give them back exactly.
  execFileSync('ffmpeg', ['-v', 'error', '-framerate', '10', '-i', join(seqDir, '%03d.png'), '-c:v', 'ffv1', '-pix_fmt', 'bgr0', join(dir, 'lossless.mkv')]);
  // A lossy mp4 from lavfi's testsrc (size, count and rate are what ffmpeg was asked for).
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=32x24:rate=12',
    '-frames:v',
    '9',
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    join(dir, 'testsrc.mp4'),
  ]);
  // The same frames with 90-degree display rotation metadata: ffmpeg decodes them rotated (H x W).
  execFileSync('ffmpeg', ['-v', 'error', '-i', join(dir, 'lossless.mkv'), '-c:v', 'libx264', '-pix_fmt', 'yuv444p', '-qp', '0', join(dir, 'upright.mp4')]);
  execFileSync('ffmpeg', ['-v', 'error', '-i', join(dir, 'upright.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', join(dir, 'rotated.mp4')]);
  writeFileSync(join(dir, 'broken.mp4'), 'this is not a video');
  // The same frames as JPEG files (ffmpeg's encoder at high quality), named so plain sorting would misorder them.
  const jpegDir = join(dir, 'jpeg');
  mkdirSync(jpegDir);
  for (let t = 0; t < T; t++)
    execFileSync('ffmpeg', ['-v', 'error', '-i', join(seqDir, `${String(t).padStart(3, '0')}.png`), '-q:v', '1', join(jpegDir, `f${t * 5}.jpg`)]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectFramesEqual(frames: Uint8Array, order: number[]): void {
  order.forEach((t, i) => {
    expect(Buffer.compare(Buffer.from(frames.subarray(i * W * H * 3, (i + 1) * W * H * 3)), Buffer.from(synthFrame(t)))).toBe(0);
  });
}

describe('naturalCompare', () => {
  it('orders digit runs by value', () => {
    expect(['f10.png', 'f2.png', 'f1.png', 'a.png'].sort(naturalCompare)).toEqual(['a.png', 'f1.png', 'f2.png', 'f10.png']);
  });
});

describe('openVideo', () => {
  it('reads a folder of PNG frames in natural order', async () => {
    const video = await openVideo(join(dir, 'frames'));
    expect([video.kind, video.width, video.height, video.frameCount]).toEqual(['png-dir', W, H, T]);
    const all = await readAllFrames(video);
    expect(all.dims).toEqual([T, H, W, 3]);
    expectFramesEqual(all.data, [0, 1, 2, 3, 4, 5]);
  });

  it('streams a lossless video file exactly through the ffmpeg pipe', async () => {
    const video = await openVideo(join(dir, 'lossless.mkv'));
    expect([video.kind, video.width, video.height, video.frameCount, video.fps]).toEqual(['video', W, H, T, 10]);
    const all = await readAllFrames(video);
    expect(all.dims).toEqual([T, H, W, 3]);
    expectFramesEqual(all.data, [0, 1, 2, 3, 4, 5]);
  });

  it('reads an mp4 made by lavfi testsrc: size, frame count, fps', async () => {
    const video = await openVideo(join(dir, 'testsrc.mp4'));
    expect([video.width, video.height, video.frameCount, video.fps]).toEqual([32, 24, 9, 12]);
    let n = 0;
    for await (const frame of video.frames()) {
      expect(frame.length).toBe(32 * 24 * 3);
      n++;
    }
    expect(n).toBe(9);
  });

  it('reports display-orientation size for a video with rotation metadata, and frames of that size', async () => {
    const video = await openVideo(join(dir, 'rotated.mp4'));
    expect([video.width, video.height, video.frameCount]).toEqual([H, W, T]);
    const all = await readAllFrames(video);
    expect(all.dims).toEqual([T, W, H, 3]);
  });

  it('stops ffmpeg when the consumer breaks early', async () => {
    const video = await openVideo(join(dir, 'testsrc.mp4'));
    for await (const frame of video.frames()) {
      expect(frame.length).toBe(32 * 24 * 3);
      break;
    }
  });

  it('reads a .npy uint8 [T, H, W, 3]', async () => {
    const data = new Uint8Array(T * H * W * 3);
    for (let t = 0; t < T; t++) data.set(synthFrame(t), t * H * W * 3);
    writeFileSync(join(dir, 'video.npy'), writeNpy(tensor('uint8', [T, H, W, 3], data)));
    const video = await openVideo(join(dir, 'video.npy'));
    expect([video.kind, video.width, video.height, video.frameCount]).toEqual(['npy', W, H, T]);
    expectFramesEqual((await readAllFrames(video)).data, [0, 1, 2, 3, 4, 5]);
  });

  it('rejects a .npy of the wrong dtype or shape, naming both', async () => {
    writeFileSync(join(dir, 'bad.npy'), writeNpy(tensor('float32', [2, 4, 4], new Float32Array(32))));
    await expect(openVideo(join(dir, 'bad.npy'))).rejects.toThrow(/bad\.npy: a \.npy video must be uint8 \[T, H, W, 3\], got float32 \[2, 4, 4\]/);
  });

  it('rejects a file ffmpeg cannot decode with TAPTR_VIDEO_FORMAT', async () => {
    const error = await openVideo(join(dir, 'broken.mp4')).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_VIDEO_FORMAT')).toBe(true);
    expect((error as Error).message).toMatch(/broken\.mp4/);
  });

  it('rejects a missing path with TAPTR_IO', async () => {
    const error = await openVideo(join(dir, 'nope.mp4')).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_IO')).toBe(true);
  });

  it('reads a folder of JPEG frames in natural order, each within JPEG error of its source frame and nearest to it', async () => {
    const video = await openVideo(join(dir, 'jpeg'));
    expect([video.kind, video.width, video.height, video.frameCount]).toEqual(['jpeg-dir', W, H, T]);
    const all = await readAllFrames(video);
    expect(all.dims).toEqual([T, H, W, 3]);
    const meanError = (i: number, t: number): number => {
      const frame = all.data.subarray(i * W * H * 3, (i + 1) * W * H * 3);
      const source = synthFrame(t);
      return frame.reduce((sum, v, k) => sum + Math.abs(v - source[k]!), 0) / frame.length;
    };
    for (let i = 0; i < T; i++) {
      const errors = Array.from({ length: T }, (_, t) => meanError(i, t));
      expect(errors[i], `frame ${i}: mean error ${errors[i]}`).toBeLessThan(6);
      expect(errors.indexOf(Math.min(...errors)), `frame ${i} is nearest to another source frame: ${errors.map((e) => e.toFixed(1)).join(' ')}`).toBe(i);
    }
  });

  it('refuses a folder with both PNG and JPEG frames, and a JPEG that does not decode (naming the file)', async () => {
    const both = join(dir, 'both');
    mkdirSync(both);
    writePng(join(both, '0.png'), synthFrame(0));
    writeFileSync(join(both, '1.jpg'), readFileSync(join(dir, 'jpeg', 'f5.jpg')));
    await expect(openVideo(both)).rejects.toThrow(/holds both \.png and \.jpg frames/);
    const broken = join(dir, 'broken-jpeg');
    mkdirSync(broken);
    writeFileSync(join(broken, '0.jpg'), readFileSync(join(dir, 'jpeg', 'f0.jpg')));
    writeFileSync(join(broken, '1.jpeg'), readFileSync(join(dir, 'jpeg', 'f5.jpg')).subarray(0, 40));
    const video = await openVideo(broken);
    const error = await readAllFrames(video).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_VIDEO_FORMAT'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/broken-jpeg\/1\.jpeg: /);
  });

  it('rejects a folder without frames and frames of different sizes', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await expect(openVideo(empty)).rejects.toThrow(/holds no \.png or \.jpg frames/);
    const mixed = join(dir, 'mixed');
    mkdirSync(mixed);
    writePng(join(mixed, '0.png'), synthFrame(0));
    writePng(join(mixed, '1.png'), new Uint8Array(4 * 4 * 3), 4, 4);
    const video = await openVideo(mixed);
    await expect(readAllFrames(video)).rejects.toThrow(/1\.png: frame is 4x4, but the first frame is 20x14/);
  });

  it('says how to get ffmpeg when it is missing', async () => {
    const env = { ...process.env, TAPTR_FFPROBE: join(dir, 'no-such-ffprobe'), TAPTR_FFMPEG: join(dir, 'no-such-ffmpeg') };
    const error = await openVideo(join(dir, 'testsrc.mp4'), env).catch((e: unknown) => e);
    expect(isTaptrError(error, 'TAPTR_VIDEO_FORMAT')).toBe(true);
    expect((error as Error).message).toMatch(/no-such-ffprobe was not found: video files need ffmpeg/);
  });
});
