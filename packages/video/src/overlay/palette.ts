// SPDX-License-Identifier: Apache-2.0
import { createRequire } from 'node:module';
import type { Rgb } from './rgb-image.js';

/** The CSS colour names (lower case) and their RGB values: the `color-name` package (CommonJS, untyped). */
const colorNames = createRequire(import.meta.url)('color-name') as Readonly<Record<string, readonly [number, number, number]>>;

/**
 * How points are coloured: `'rainbow'` (co-tracker's default: matplotlib's gist_rainbow by the
 * point's y at its query frame, top to bottom), `'by-query'` (each point its own hue, in query
 * order), or one colour for every point.
 */
export type TrackColors = 'rainbow' | 'by-query' | Rgb;

/**
 * Colour of point `i` in `'by-query'` mode: hues spaced by the golden angle so neighbours in the
 * list differ strongly, at full saturation and high value (readable on most footage).
 */
export function pointColor(i: number): Rgb {
  const h = (i * 137.508) % 360;
  const s = 0.85;
  const v = 1;
  const c = v * s;
  const hp = h / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] = hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = v - c;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** matplotlib's `gist_rainbow` control points (`_cm.py`): position, then (r, g, b) in [0, 1]. */
const GIST_RAINBOW: readonly (readonly [number, number, number, number])[] = [
  [0, 1, 0, 0.16],
  [0.03, 1, 0, 0],
  [0.215, 1, 1, 0],
  [0.4, 0, 1, 0],
  [0.586, 0, 1, 1],
  [0.77, 0, 0, 1],
  [0.954, 1, 0, 1],
  [1, 1, 0, 0.75],
];

/**
 * matplotlib's `gist_rainbow` colormap at `x` in [0, 1] (clamped), looked up as matplotlib does:
 * in its 256-entry table (entry `min(255, floor(256 x))`, each entry linear between the control points).
 */
export function gistRainbow(x: number): Rgb {
  const index = Number.isFinite(x) ? Math.min(255, Math.max(0, Math.floor(x * 256))) : 0;
  const u = index / 255;
  let k = 1;
  while (k < GIST_RAINBOW.length - 1 && GIST_RAINBOW[k]![0] < u) k++;
  const a = GIST_RAINBOW[k - 1]!;
  const b = GIST_RAINBOW[k]!;
  const f = b[0] === a[0] ? 0 : (u - a[0]) / (b[0] - a[0]);
  return [Math.round((a[1] + (b[1] - a[1]) * f) * 255), Math.round((a[2] + (b[2] - a[2]) * f) * 255), Math.round((a[3] + (b[3] - a[3]) * f) * 255)];
}

/**
 * Parses a colour: `#rrggbb`, `#rgb` or a CSS colour name (`orange`, `deepskyblue`; any case).
 * @returns the colour, or `undefined` when the text is none of these.
 */
export function parseColor(text: string): Rgb | undefined {
  const value = text.trim().toLowerCase();
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(value);
  if (long !== null) return [parseInt(long[1]!, 16), parseInt(long[2]!, 16), parseInt(long[3]!, 16)];
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(value);
  if (short !== null) return [parseInt(short[1]!, 16) * 17, parseInt(short[2]!, 16) * 17, parseInt(short[3]!, 16) * 17];
  const named = Object.hasOwn(colorNames, value) ? colorNames[value] : undefined;
  return named === undefined ? undefined : [named[0], named[1], named[2]];
}

/**
 * The colour of every point.
 * @param queryY - `[N]` each point's y at its query frame (used by `'rainbow'`: normalised between
 *   the smallest and the largest, as co-tracker's Visualizer does; all equal = the colormap's start).
 */
export function trackColors(queryY: ArrayLike<number>, colors: TrackColors): Rgb[] {
  const n = queryY.length;
  if (colors === 'by-query') return Array.from({ length: n }, (_, i) => pointColor(i));
  if (colors !== 'rainbow') return Array.from({ length: n }, () => colors);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const y = queryY[i]!;
    if (Number.isFinite(y)) {
      min = Math.min(min, y);
      max = Math.max(max, y);
    }
  }
  return Array.from({ length: n }, (_, i) => gistRainbow(max > min ? (queryY[i]! - min) / (max - min) : 0));
}
