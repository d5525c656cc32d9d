// SPDX-License-Identifier: Apache-2.0
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TaptrError } from '@taptr/tensor';
import { decodePng } from './decode-png.js';
import { naturalCompare } from './natural-compare.js';
import { DEFAULT_FPS, type VideoSource } from './video-source.js';

/**
 * Decodes PNG bytes to rgb24 (alpha dropped, grey and palette expanded, 16-bit reduced to 8).
 * @param path - names the file in messages.
 * @returns `{ width, height, rgb }` with `rgb` `[H, W, 3]` uint8.
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` naming the file and what is wrong (truncated, CRC mismatch, ...).
 */
export function decodePngRgb(bytes: Uint8Array, path: string): { width: number; height: number; rgb: Uint8Array } {
  const { width, height, data } = decodePng(bytes, path);
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    rgb[i * 3] = data[j]!;
    rgb[i * 3 + 1] = data[j + 1]!;
    rgb[i * 3 + 2] = data[j + 2]!;
  }
  return { width, height, rgb };
}

/**
 * Reads and decodes one PNG file to rgb24 ({@link decodePngRgb}).
 * @throws TaptrError `TAPTR_IO` when the file cannot be read, `TAPTR_VIDEO_FORMAT` naming the file when it is not a valid PNG.
 */
export async function readPngRgb(path: string): Promise<{ width: number; height: number; rgb: Uint8Array }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TaptrError('TAPTR_IO', code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code ?? (error as Error).message})`, { cause: error });
  }
  return decodePngRgb(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
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
