// SPDX-License-Identifier: Apache-2.0
import type { Rgb } from '@taptr/tensor/track-style';

/** An RGB image: `data` is `[H, W, 3]` uint8, row-major. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * Blends `color` into pixel `(x, y)` with opacity `alpha` in [0, 1] (pixels outside the image are ignored).
 */
function blendPixel(image: RgbImage, x: number, y: number, color: Rgb, alpha: number): void {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height || alpha <= 0) return;
  const a = Math.min(1, alpha);
  const i = (y * image.width + x) * 3;
  const d = image.data;
  d[i] = Math.round(d[i]! + (color[0] - d[i]!) * a);
  d[i + 1] = Math.round(d[i + 1]! + (color[1] - d[i + 1]!) * a);
  d[i + 2] = Math.round(d[i + 2]! + (color[2] - d[i + 2]!) * a);
}

/**
 * Paints every pixel whose centre lies within `reach` of `(cx, cy)` with the opacity
 * `coverage(distance)` (the callback gives the anti-aliased coverage in [0, 1]).
 */
function paintAround(image: RgbImage, cx: number, cy: number, reach: number, color: Rgb, alpha: number, coverage: (d: number) => number): void {
  const x0 = Math.max(0, Math.floor(cx - reach));
  const x1 = Math.min(image.width - 1, Math.ceil(cx + reach));
  const y0 = Math.max(0, Math.floor(cy - reach));
  const y1 = Math.min(image.height - 1, Math.ceil(cy + reach));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const c = coverage(Math.hypot(x - cx, y - cy));
      if (c > 0) blendPixel(image, x, y, color, alpha * c);
    }
  }
}

/**
 * Filled disc of radius `r` centred on `(cx, cy)` (pixel coordinates, integer = pixel centre),
 * anti-aliased over one pixel at its edge.
 */
export function fillDisc(image: RgbImage, cx: number, cy: number, r: number, color: Rgb, alpha = 1): void {
  if (!Number.isFinite(cx) || !Number.isFinite(cy)) return;
  paintAround(image, cx, cy, r + 1, color, alpha, (d) => Math.min(1, Math.max(0, r + 0.5 - d)));
}

/** Ring (hollow circle) of radius `r` and line width `width`, anti-aliased. */
export function strokeRing(image: RgbImage, cx: number, cy: number, r: number, width: number, color: Rgb, alpha = 1): void {
  if (!Number.isFinite(cx) || !Number.isFinite(cy)) return;
  paintAround(image, cx, cy, r + width + 1, color, alpha, (d) => Math.min(1, Math.max(0, width / 2 + 0.5 - Math.abs(d - r))));
}

/** Line segment of width `width` from `(x0, y0)` to `(x1, y1)` with round caps, anti-aliased. */
export function strokeSegment(image: RgbImage, x0: number, y0: number, x1: number, y1: number, width: number, color: Rgb, alpha = 1): void {
  if (![x0, y0, x1, y1].every(Number.isFinite)) return;
  const half = width / 2;
  const minX = Math.max(0, Math.floor(Math.min(x0, x1) - half - 1));
  const maxX = Math.min(image.width - 1, Math.ceil(Math.max(x0, x1) + half + 1));
  const minY = Math.max(0, Math.floor(Math.min(y0, y1) - half - 1));
  const maxY = Math.min(image.height - 1, Math.ceil(Math.max(y0, y1) + half + 1));
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const s = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - x0) * dx + (y - y0) * dy) / len2));
      const d = Math.hypot(x - (x0 + s * dx), y - (y0 + s * dy));
      const c = Math.min(1, Math.max(0, half + 0.5 - d));
      if (c > 0) blendPixel(image, x, y, color, alpha * c);
    }
  }
}

/** Multiplies every channel by `factor` (e.g. 0.6 to dim a background frame). */
export function dim(image: RgbImage, factor: number): void {
  for (let i = 0; i < image.data.length; i++) image.data[i] = Math.round(image.data[i]! * factor);
}

/**
 * Nearest-neighbour upscale by an integer `factor`. A point at pixel `p` of the source is at
 * `(p + 0.5) * factor - 0.5` in the result (see {@link scalePoint}).
 */
export function upscale(image: RgbImage, factor: number): RgbImage {
  if (factor === 1) return { width: image.width, height: image.height, data: image.data.slice() };
  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < width; x++) {
      const si = (sy * image.width + Math.floor(x / factor)) * 3;
      const di = (y * width + x) * 3;
      data[di] = image.data[si]!;
      data[di + 1] = image.data[si + 1]!;
      data[di + 2] = image.data[si + 2]!;
    }
  }
  return { width, height, data };
}

/** Maps a pixel coordinate (integer = pixel centre) through an integer upscale. */
export function scalePoint(p: number, factor: number): number {
  return (p + 0.5) * factor - 0.5;
}
