// SPDX-License-Identifier: Apache-2.0
// Point colours, as the CLI's overlays colour them (packages/video/src/overlay/palette.ts, a Node
// module the page cannot import): `'rainbow'` (co-tracker's default: matplotlib's gist_rainbow by each
// point's y at its query frame), `'by-query'` (golden-angle hues in list order) or one colour for all.

/** How points are coloured: `'rainbow'`, `'by-query'`, or one CSS colour for every point. */
export type TrackColors = 'rainbow' | 'by-query' | { readonly color: string };

/** RGB of point `i` in `'by-query'` mode (0..255 each): hue `i * 137.508` degrees, saturation 0.85, value 1. */
export function pointRgb(i: number): readonly [number, number, number] {
  const h = (((i * 137.508) % 360) + 360) % 360;
  const c = 0.85;
  const hp = h / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] = hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = 1 - c;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** CSS colour of point `i` in `'by-query'` mode (see {@link pointRgb}); live mode colours points this way by id. */
export function pointColor(i: number): string {
  return css(pointRgb(i));
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

/** matplotlib's `gist_rainbow` at `x` in [0, 1] (clamped), from its 256-entry table as matplotlib looks it up. */
export function gistRainbow(x: number): readonly [number, number, number] {
  const index = Number.isFinite(x) ? Math.min(255, Math.max(0, Math.floor(x * 256))) : 0;
  const u = index / 255;
  let k = 1;
  while (k < GIST_RAINBOW.length - 1 && GIST_RAINBOW[k]![0] < u) k++;
  const a = GIST_RAINBOW[k - 1]!;
  const b = GIST_RAINBOW[k]!;
  const f = b[0] === a[0] ? 0 : (u - a[0]) / (b[0] - a[0]);
  return [Math.round((a[1] + (b[1] - a[1]) * f) * 255), Math.round((a[2] + (b[2] - a[2]) * f) * 255), Math.round((a[3] + (b[3] - a[3]) * f) * 255)];
}

const css = ([r, g, b]: readonly [number, number, number]): string => `rgb(${r}, ${g}, ${b})`;

/**
 * The CSS colour of every point.
 * @param queryY - `[N]` each point's y at its query frame (`'rainbow'` normalises them between the
 *   smallest and the largest, as co-tracker's Visualizer does; all equal = the colormap's start).
 */
export function trackColors(queryY: ArrayLike<number>, colors: TrackColors): string[] {
  const n = queryY.length;
  if (colors === 'by-query') return Array.from({ length: n }, (_, i) => pointColor(i));
  if (colors !== 'rainbow') return Array.from({ length: n }, () => colors.color);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const y = queryY[i]!;
    if (Number.isFinite(y)) {
      min = Math.min(min, y);
      max = Math.max(max, y);
    }
  }
  return Array.from({ length: n }, (_, i) => css(gistRainbow(max > min ? (queryY[i]! - min) / (max - min) : 0)));
}
