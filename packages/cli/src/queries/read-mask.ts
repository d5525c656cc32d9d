// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';
import { TaptrError } from '@taptr/tensor';
import { decodePng } from '@taptr/video';
import type { PixelMask } from '@taptr/tracker';

/**
 * Decodes a mask PNG: a pixel is inside when its alpha is non-zero and any of R, G, B is non-zero
 * (so white-on-black, any colour on black, and opaque-on-transparent masks all work).
 * @param path - names the file in messages.
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` naming the file when it is not a valid PNG (truncated, CRC mismatch, ...).
 */
export function decodeMask(bytes: Uint8Array, path: string): PixelMask {
  const png = decodePng(bytes, path, 'the mask');
  const inside = new Uint8Array(png.width * png.height);
  for (let i = 0; i < inside.length; i++) {
    const r = png.data[i * 4]!;
    const g = png.data[i * 4 + 1]!;
    const b = png.data[i * 4 + 2]!;
    const a = png.data[i * 4 + 3]!;
    inside[i] = a !== 0 && (r | g | b) !== 0 ? 1 : 0;
  }
  return { width: png.width, height: png.height, inside };
}

/**
 * Reads a mask PNG file ({@link decodeMask}).
 * @throws TaptrError `TAPTR_IO` when the file cannot be read, `TAPTR_VIDEO_FORMAT` naming the file when it is not a valid PNG.
 */
export async function readMask(path: string): Promise<PixelMask> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `${path}: cannot read the mask (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  return decodeMask(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path);
}
