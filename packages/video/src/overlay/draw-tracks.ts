// SPDX-License-Identifier: Apache-2.0
import { pointColor } from './palette.js';
import { dim, fillDisc, type Rgb, type RgbImage, scalePoint, strokeRing, strokeSegment, upscale } from './rgb-image.js';

/** Tracks to draw: `tracks` `[N, T, 2]` (x, y) video pixels, `visible` `[N, T]`. */
export interface TrackSet {
  readonly points: number;
  readonly frames: number;
  readonly tracks: ArrayLike<number>;
  readonly visible: ArrayLike<number | boolean>;
  /** First frame to draw for each point (its query frame for forward-only tracking, 0 when bidirectional). */
  readonly startFrame: ArrayLike<number>;
}

/** How overlays look. */
export interface OverlayStyle {
  /** Integer nearest-neighbour upscale of the frames before drawing (small videos become readable). */
  readonly scale: number;
  /** Marker radius in output pixels. */
  readonly radius: number;
  /** Number of past frames in each point's trail. */
  readonly trail: number;
}

/**
 * Default style for a video: upscale so that the short side reaches at least 360 px (at most 8x),
 * markers about 1/90 of the short side, 12-frame trails.
 */
export function defaultOverlayStyle(width: number, height: number): OverlayStyle {
  const scale = Math.max(1, Math.min(8, Math.ceil(360 / Math.min(width, height))));
  const radius = Math.max(3, Math.round((Math.min(width, height) * scale) / 90));
  return { scale, radius, trail: 12 };
}

function position(set: TrackSet, i: number, t: number, scale: number): [number, number] {
  const k = (i * set.frames + t) * 2;
  return [scalePoint(set.tracks[k]!, scale), scalePoint(set.tracks[k + 1]!, scale)];
}

function isVisible(set: TrackSet, i: number, t: number): boolean {
  return Boolean(set.visible[i * set.frames + t]);
}

function drawMarker(image: RgbImage, x: number, y: number, r: number, color: Rgb, visible: boolean): void {
  if (visible) {
    strokeRing(image, x, y, r + 0.5, 1.5, [0, 0, 0], 0.6);
    fillDisc(image, x, y, r, color);
  } else {
    strokeRing(image, x, y, r, Math.max(1.5, r / 2.5), color);
  }
}

/**
 * Draws frame `t` of an overlay: each point in its own colour, a trail of its last
 * `style.trail` frames (fading, fainter where occluded), a filled marker when visible and a
 * hollow ring when occluded.
 * @param frame - the video frame `[H, W, 3]`; it is copied, never modified.
 */
export function drawOverlayFrame(frame: RgbImage, t: number, set: TrackSet, style: OverlayStyle): RgbImage {
  const image = upscale(frame, style.scale);
  const width = Math.max(1, style.radius / 2);
  for (let i = 0; i < set.points; i++) {
    const start = set.startFrame[i]!;
    if (t < start) continue;
    const color = pointColor(i);
    for (let k = Math.max(start, t - style.trail); k < t; k++) {
      const [x0, y0] = position(set, i, k, style.scale);
      const [x1, y1] = position(set, i, k + 1, style.scale);
      const age = (t - k) / (style.trail + 1);
      const seen = isVisible(set, i, k) && isVisible(set, i, k + 1);
      strokeSegment(image, x0, y0, x1, y1, width, color, (1 - age) * (seen ? 0.9 : 0.35));
    }
  }
  for (let i = 0; i < set.points; i++) {
    if (t < set.startFrame[i]!) continue;
    const [x, y] = position(set, i, t, style.scale);
    drawMarker(image, x, y, style.radius, pointColor(i), isVisible(set, i, t));
  }
  return image;
}

/**
 * Draws the summary image: the first frame, dimmed, with every point's whole trajectory (fainter
 * where occluded), a filled disc where it starts and a ring where it ends.
 */
export function drawSummary(firstFrame: RgbImage, set: TrackSet, style: OverlayStyle): RgbImage {
  const image = upscale(firstFrame, style.scale);
  dim(image, 0.55);
  const width = Math.max(1, style.radius / 2);
  for (let i = 0; i < set.points; i++) {
    const color = pointColor(i);
    const start = set.startFrame[i]!;
    for (let t = start; t + 1 < set.frames; t++) {
      const [x0, y0] = position(set, i, t, style.scale);
      const [x1, y1] = position(set, i, t + 1, style.scale);
      strokeSegment(image, x0, y0, x1, y1, width, color, isVisible(set, i, t) && isVisible(set, i, t + 1) ? 0.9 : 0.35);
    }
  }
  for (let i = 0; i < set.points; i++) {
    const color = pointColor(i);
    const [xs, ys] = position(set, i, set.startFrame[i]!, style.scale);
    const [xe, ye] = position(set, i, set.frames - 1, style.scale);
    strokeRing(image, xe, ye, style.radius * 0.8, 1.5, color);
    drawMarker(image, xs, ys, style.radius, color, true);
  }
  return image;
}
