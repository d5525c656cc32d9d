// SPDX-License-Identifier: Apache-2.0
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { TaptrError } from '@taptr/tensor';
import { naturalCompare } from './natural-compare.js';
import { DEFAULT_FPS, type VideoSource } from './video-source.js';

/**
 * Decodes one PNG file to rgb24 (alpha dropped, grey expanded, 16-bit reduced to 8 by pngjs).
 * @returns `{ width, height, rgb }` with `rgb` `[H, W, 3]` uint8.
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` naming the file when it is not a valid PNG.
 */
export async function readPngRgb(path: string): Promise<{ width: number; height: number; rgb: Uint8Array }> {
  let png: PNG;
  try {
    png = PNG.sync.read(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TaptrError('TAPTR_IO', `${path}: no such file`, { cause: error });
    throw new TaptrError('TAPTR_VIDEO_FORMAT', `${path}: not a valid PNG image (${(error as Error).message})`, { cause: error });
  }
  const { width, height, data } = png;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    rgb[i * 3] = data[j]!;
    rgb[i * 3 + 1] = data[j + 1]!;
    rgb[i * 3 + 2] = data[j + 2]!;
  }
  return { width, height, rgb };
}

/**
 * Opens a folder of PNG frames (`*.png`, sorted naturally: `f2.png` before `f10.png`). The first
 * frame sets the size; every frame must have it.
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` when the folder holds no PNG, or a frame is unreadable or of another size.
 */
export async function readPngFrames(dir: string, fps: number = DEFAULT_FPS): Promise<VideoSource> {
  const names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.png')).sort(naturalCompare);
  if (names.length === 0) throw new TaptrError('TAPTR_VIDEO_FORMAT', `${dir}: the folder holds no .png frames`);
  const first = await readPngRgb(join(dir, names[0]!));
  const { width, height } = first;
  return {
    path: dir,
    kind: 'png-dir',
    width,
    height,
    frameCount: names.length,
    fps,
    async *frames() {
      for (const name of names) {
        const frame = await readPngRgb(join(dir, name));
        if (frame.width !== width || frame.height !== height) {
          throw new TaptrError('TAPTR_VIDEO_FORMAT', `${join(dir, name)}: frame is ${frame.width}x${frame.height}, but the first frame is ${width}x${height}`);
        }
        yield frame.rgb;
      }
    },
  };
}
