// SPDX-License-Identifier: Apache-2.0
// A binary mask over the video frame (the region a grid is restricted to).

import type { PixelMask } from '@taptr/tracker';

export type { PixelMask };

/**
 * A mask from RGBA pixels with the CLI's rule (`--mask`): a pixel is inside when its alpha is
 * non-zero and any of R, G, B is non-zero (white on black, any colour on black, opaque on transparent).
 */
export function maskFromRgba(width: number, height: number, rgba: ArrayLike<number>): PixelMask {
  if (rgba.length !== width * height * 4)
    throw new RangeError(`maskFromRgba: rgba must be ${width * height * 4} bytes for ${width}x${height}, got ${rgba.length}`);
  const inside = new Uint8Array(width * height);
  for (let i = 0; i < inside.length; i++) {
    inside[i] = rgba[i * 4 + 3]! !== 0 && (rgba[i * 4]! | rgba[i * 4 + 1]! | rgba[i * 4 + 2]!) !== 0 ? 1 : 0;
  }
  return { width, height, inside };
}

/** Number of pixels inside. */
export function maskArea(mask: PixelMask): number {
  let n = 0;
  for (const v of mask.inside) n += v;
  return n;
}
