// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { TaptrError } from '@taptr/tensor';
import type { PixelMask } from './grid-queries.js';

/**
 * Reads a mask PNG: a pixel is inside when its alpha is non-zero and any of R, G, B is non-zero
 * (so white-on-black, any colour on black, and opaque-on-transparent masks all work).
 * @throws TaptrError `TAPTR_IO` when the file cannot be read, `TAPTR_INVALID_ARGUMENT` when it is not a PNG.
 */
export async function readMask(path: string): Promise<PixelMask> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new TaptrError('TAPTR_IO', `${path}: cannot read the mask (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  let png: PNG;
  try {
    png = PNG.sync.read(bytes);
  } catch (error) {
    throw new TaptrError('TAPTR_INVALID_ARGUMENT', `${path}: the mask must be a PNG image (${(error as Error).message})`, { cause: error });
  }
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
