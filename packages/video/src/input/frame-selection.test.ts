// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resizeVideoLanczos } from '@taptr/tapvid';
import { isTaptrError, tensor, writeNpy } from '@taptr/tensor';
import { selectFrames } from './frame-selection.js';
import { openVideo } from './open-video.js';
import { resizedSize } from './resize-frames.js';
import { fromOriginalPixels, originOf, sourceFrameOf, toOriginalPixels } from './video-origin.js';
import { videoFromTensor } from './video-source.js';

const W = 40;
const H = 24;
const T = 12;

/** A known frame: smooth in x and y (so resizes compare closely), different for every t. */
function synthFrame(t: number): Uint8Array {
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      rgb[i] = (x * 5 + t * 9) & 255;
      rgb[i + 1] = (y * 8 + t * 5) & 255;
      rgb[i + 2] = (128 + 60 * Math.sin((x + y + t) / 5)) | 0;
    }
  }
  return rgb;
}

function pngBytes(rgb: Uint8Array, width = W, height = H): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
  return PNG.sync.write(png);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'taptr-select-'));
  mkdirSync(join(dir, 'png'));
  for (let t = 0; t < T; t++) writeFileSync(join(dir, 'png', `f${t}.png`), pngBytes(synthFrame(t)));
  // Frames outside every selection below are not PNGs at all: reading one would fail.
  const data = new Uint8Array(T * W * H * 3);
  for (let t = 0; t < T; t++) data.set(synthFrame(t), t * W * H * 3);
  writeFileSync(join(dir, 'video.npy'), writeNpy(tensor('uint8', [T, H, W, 3], data)));
  execFileSync('ffmpeg', ['-v', 'error', '-framerate', '10', '-i', join(dir, 'png', 'f%d.png'), '-c:v', 'ffv1', '-pix_fmt', 'bgr0', join(dir, 'lossless.mkv')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function frameList(
  path: string,
  options: Parameters<typeof openVideo>[2],
): Promise<{ frames: Uint8Array[]; video: Awaited<ReturnType<typeof openVideo>> }> {
  const video = await openVideo(path, process.env, options);
  const frames: Uint8Array[] = [];
  for await (const f of video.frames()) frames.push(f.slice());
  return { frames, video };
}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

describe('selectFrames', () => {
  it('is frames[start:end:stride], then at most maxFrames of them', () => {
    expect(selectFrames(12, {})).toEqual({ start: 0, stride: 1, count: 12, stop: 12 });
    expect(selectFrames(12, { start: 2, end: 9, stride: 3 })).toEqual({ start: 2, stride: 3, count: 3, stop: 9 }); // 2, 5, 8
    expect(selectFrames(12, { start: 1, stride: 2, maxFrames: 4 })).toEqual({ start: 1, stride: 2, count: 4, stop: 8 }); // 1, 3, 5, 7
    expect(selectFrames(12, { end: 100 }).count).toBe(12);
    expect(selectFrames(0, { start: 3, stride: 2 })).toEqual({ start: 3, stride: 2, count: undefined, stop: undefined }); // length unknown
  });

  it('refuses a start past the end, end <= start and non-integers', () => {
    const past = (() => {
      try {
        selectFrames(12, { start: 12 }, 'clip.mp4');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(isTaptrError(past, 'TAPTR_INVALID_ARGUMENT')).toBe(true);
    expect((past as Error).message).toBe('clip.mp4: start frame 12 is past the last frame (the video has 12 frames, 0 to 11)');
    expect(() => selectFrames(12, { start: 5, end: 5 })).toThrow('selectFrames: selection.end must be a frame after start (5), got 5');
    expect(() => selectFrames(12, { stride: 0 })).toThrow(RangeError);
    expect(() => selectFrames(12, { maxFrames: 1.5 })).toThrow('selectFrames: selection.maxFrames must be a positive integer, got 1.5');
  });
});

describe('openVideo with a frame selection', () => {
  const cases = [
    { options: { start: 2, end: 9, stride: 3 }, expected: [2, 5, 8] },
    { options: { start: 1, stride: 2, maxFrames: 4 }, expected: [1, 3, 5, 7] },
    { options: { start: 10 }, expected: [10, 11] },
    { options: { maxFrames: 2 }, expected: [0, 1] },
  ];
  for (const input of ['png', 'video.npy', 'lossless.mkv']) {
    it(`${input}: only the selected frames, exactly, and the origin says which`, async () => {
      for (const { options, expected } of cases) {
        const { frames, video } = await frameList(join(dir, input), options);
        expect(video.frameCount, JSON.stringify(options)).toBe(expected.length);
        expect(frames.length, JSON.stringify(options)).toBe(expected.length);
        frames.forEach((f, t) => expect(same(f, synthFrame(expected[t]!)), `${input} ${JSON.stringify(options)} frame ${t}`).toBe(true));
        expect(originOf(video)).toMatchObject({ width: W, height: H, start: options.start ?? 0, stride: options.stride ?? 1, frameCount: T });
        expect(expected.map((_, t) => sourceFrameOf(video, t))).toEqual(expected);
      }
    });
  }

  it('never reads the frame files it skips (a broken one outside the selection is fine)', async () => {
    const folder = join(dir, 'sparse');
    mkdirSync(folder);
    for (let t = 0; t < 6; t++) writeFileSync(join(folder, `${t}.png`), t % 2 === 0 ? pngBytes(synthFrame(t)) : Buffer.from('not a png'));
    const { frames } = await frameList(folder, { stride: 2 });
    expect(frames.map((f) => [0, 2, 4].findIndex((t) => same(f, synthFrame(t))))).toEqual([0, 1, 2]);
    await expect(frameList(folder, {})).rejects.toThrow(/sparse\/1\.png: the file is not a valid PNG image/);
  });

  it('without options the source has no origin (identity)', async () => {
    const video = await openVideo(join(dir, 'video.npy'));
    expect(video.origin).toBeUndefined();
    expect(originOf(video)).toEqual({ width: W, height: H, start: 0, stride: 1, frameCount: T });
  });
});

describe('openVideo with --resize', () => {
  it('sizes: short side to S, aspect kept (long side rounded), never upscaled', () => {
    expect(resizedSize(1296, 720, 256)).toEqual({ width: 461, height: 256 });
    expect(resizedSize(720, 1296, 256)).toEqual({ width: 256, height: 461 });
    expect(resizedSize(40, 24, 12)).toEqual({ width: 20, height: 12 });
    expect(resizedSize(40, 24, 24)).toEqual({ width: 40, height: 24 });
    expect(resizedSize(40, 24, 1000)).toEqual({ width: 40, height: 24 });
    expect(() => resizedSize(40, 24, 0)).toThrow(RangeError);
  });

  it('frame folders and .npy: Lanczos frames (resizeVideoLanczos, bit-exact), the origin keeps the original size', async () => {
    for (const input of ['png', 'video.npy']) {
      const { frames, video } = await frameList(join(dir, input), { resize: 12, start: 3, maxFrames: 2 });
      expect([video.width, video.height, video.frameCount]).toEqual([20, 12, 2]);
      expect(originOf(video)).toEqual({ width: W, height: H, start: 3, stride: 1, frameCount: T });
      frames.forEach((f, t) => {
        const want = resizeVideoLanczos(tensor('uint8', [1, H, W, 3], synthFrame(3 + t)), 12, 20).data;
        expect(same(f, want), `${input} frame ${t}`).toBe(true);
      });
    }
  });

  it('video files: ffmpeg scales (Lanczos) to the same size, within a few levels of the JS resize', async () => {
    const { frames, video } = await frameList(join(dir, 'lossless.mkv'), { resize: 12, stride: 5 });
    expect([video.width, video.height, video.frameCount]).toEqual([20, 12, 3]);
    expect(originOf(video)).toMatchObject({ width: W, height: H, stride: 5 });
    frames.forEach((f, t) => {
      const want = resizeVideoLanczos(tensor('uint8', [1, H, W, 3], synthFrame(5 * t)), 12, 20).data;
      const mean = f.reduce((s, v, i) => s + Math.abs(v - want[i]!), 0) / f.length;
      expect(mean, `frame ${t}`).toBeLessThan(4);
    });
  });

  it('maps points between the resized and the original pixels by the pixel-centre rule', async () => {
    const video = await openVideo(join(dir, 'video.npy'), process.env, { resize: 12 }); // 40x24 -> 20x12: factor 2
    // Pixel centres: resized pixel (0, 0) covers original pixels 0..1, its centre is at 0.5; the
    // original's outer edge -0.5 maps to the resized edge -0.5.
    expect(toOriginalPixels(video, [0, 0, -0.5, -0.5, 19, 11, Number.NaN, 3])).toEqual([0.5, 0.5, -0.5, -0.5, 38.5, 22.5, Number.NaN, 6.5]);
    expect(fromOriginalPixels(video, [0.5, 0.5, 39.5, 23.5])).toEqual([0, 0, 19.5, 11.5]);
    const plain = videoFromTensor(tensor('uint8', [1, 2, 2, 3]));
    expect(toOriginalPixels(plain, Float32Array.from([1.25, 2]))).toEqual(Float32Array.from([1.25, 2]));
  });
});
