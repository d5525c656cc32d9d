// SPDX-License-Identifier: Apache-2.0
// How taptr-js draws tracks: the point colours and the default overlay style, one home for the
// CLI's overlays (@taptr/video, Node) and the web page's preview and exported video (browser). It
// lives in @taptr/tensor, the one universal package both may import (docs/architecture.md); no I/O.

/** An RGB colour, each channel 0..255. */
export type Rgb = readonly [number, number, number];

/**
 * How points are coloured: `'rainbow'` (co-tracker's default: matplotlib's gist_rainbow by the
 * point's y at its query frame, top to bottom), `'by-query'` (each point its own hue, in query
 * order), or one colour for every point.
 */
export type TrackColors = 'rainbow' | 'by-query' | Rgb;

/**
 * Colour of point `i` in `'by-query'` mode: hues spaced by the golden angle (`i * 137.508` degrees)
 * so neighbours in the list differ strongly, saturation 0.85, value 1 (readable on most footage).
 */
export function pointColor(i: number): Rgb {
  const h = (((i * 137.508) % 360) + 360) % 360;
  const c = 0.85;
  const hp = h / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] = hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = 1 - c;
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

/** Tracks to draw: `tracks` `[N, T, 2]` (x, y) video pixels, `visible` `[N, T]`, over `frames` frames. */
export interface TrackSet {
  readonly points: number;
  readonly frames: number;
  readonly tracks: ArrayLike<number>;
  readonly visible: ArrayLike<number | boolean>;
  /** `[N]` first frame drawn for each point: its query frame for forward tracking, 0 when bidirectional. */
  readonly startFrame: ArrayLike<number>;
  /** `[N]` each point's query frame (`'rainbow'` colours by the y there); defaults to `startFrame`. */
  readonly queryFrame?: ArrayLike<number>;
}

/** The colour of every point of `set` in `style` (`'rainbow'`: by the y of its track at its query frame). */
export function colorsOf(set: TrackSet, style: Pick<OverlayStyle, 'colors'>): Rgb[] {
  const frames = set.queryFrame ?? set.startFrame;
  const queryY = Array.from({ length: set.points }, (_, i) => set.tracks[(i * set.frames + frames[i]!) * 2 + 1]!);
  return trackColors(queryY, style.colors ?? 'rainbow');
}

/**
 * Parses `#rrggbb` or `#rgb` (any case, surrounding spaces ignored).
 * @returns the colour, or `undefined` when the text is neither.
 */
export function parseHexColor(text: string): Rgb | undefined {
  const value = text.trim().toLowerCase();
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/.exec(value);
  if (long !== null) return [parseInt(long[1]!, 16), parseInt(long[2]!, 16), parseInt(long[3]!, 16)];
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(value);
  if (short !== null) return [parseInt(short[1]!, 16) * 17, parseInt(short[2]!, 16) * 17, parseInt(short[3]!, 16) * 17];
  return undefined;
}

/** How overlays look (`taptr track --trail --line-width --point-size --colors`, the page's export panel). */
export interface OverlayStyle {
  /** Integer nearest-neighbour upscale of the frames before drawing (small videos become readable). */
  readonly scale: number;
  /** Marker radius in pixels of the upscaled video. */
  readonly radius: number;
  /** Number of past frames in each point's trail (0 = no trail). */
  readonly trail: number;
  /** Width of trails in pixels of the upscaled video (default: half the radius, at least 1). */
  readonly lineWidth?: number;
  /** Point colours (default `'rainbow'`). */
  readonly colors?: TrackColors;
}

/** What may be set by hand in {@link defaultOverlayStyle} (`undefined` = the default); the rest follows the video's size. */
export interface OverlayStyleOptions {
  readonly radius?: number | undefined;
  readonly trail?: number | undefined;
  readonly lineWidth?: number | undefined;
  readonly colors?: TrackColors | undefined;
}

/**
 * Default style for a video of `width x height` with `points` points: upscale so that the short
 * side reaches at least 360 px (at most 8x); markers of radius 0.6% of the output's short side (at
 * least 2 px), smaller when the points are dense (at most a fifth of their mean spacing
 * `sqrt(area / points)`, at least 1.5 px); trails half the radius wide and 12 frames long; colours
 * `'rainbow'`. `options` overrides any of these.
 */
export function defaultOverlayStyle(width: number, height: number, points = 1, options: OverlayStyleOptions = {}): Required<OverlayStyle> {
  const scale = Math.max(1, Math.min(8, Math.ceil(360 / Math.min(width, height))));
  const short = Math.min(width, height) * scale;
  const spacing = Math.sqrt((width * scale * height * scale) / Math.max(1, points));
  const radius = options.radius ?? Math.max(1.5, Math.min(Math.max(2, Math.round(short * 0.006)), spacing / 5));
  return { scale, radius, trail: options.trail ?? 12, lineWidth: options.lineWidth ?? Math.max(1, radius / 2), colors: options.colors ?? 'rainbow' };
}
