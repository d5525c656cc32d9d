// SPDX-License-Identifier: Apache-2.0
import { colorsOf, type OverlayStyle, type Rgb, type TrackSet } from '@taptr/tensor/track-style';
import { dim, fillDisc, type RgbImage, scalePoint, strokeRing, strokeSegment, upscale } from './rgb-image.js';

/** Most trajectories drawn whole on the summary picture; more points get a spread subset (every point still gets its start dot). */
export const SUMMARY_MAX_TRAILS = 100;

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
 * Draws frame `t` of an overlay: each point in its colour ({@link OverlayStyle.colors}), a trail of
 * its last `style.trail` frames (fading, fainter where occluded), a filled marker when visible and a
 * hollow ring when occluded.
 * @param frame - the video frame `[H, W, 3]`; it is copied, never modified.
 * @param colors - the point colours ({@link colorsOf}); computed when omitted.
 */
export function drawOverlayFrame(frame: RgbImage, t: number, set: TrackSet, style: OverlayStyle, colors: readonly Rgb[] = colorsOf(set, style)): RgbImage {
  const image = upscale(frame, style.scale);
  const width = style.lineWidth ?? Math.max(1, style.radius / 2);
  for (let i = 0; i < set.points; i++) {
    const start = set.startFrame[i]!;
    if (t < start) continue;
    const color = colors[i]!;
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
    drawMarker(image, x, y, style.radius, colors[i]!, isVisible(set, i, t));
  }
  return image;
}

/**
 * Indices of the points whose whole trajectory the summary draws: all of them up to `max`, else
 * `max` points spread evenly over the list (for a grid, a lattice over the whole frame).
 */
export function summaryTrails(points: number, max: number = SUMMARY_MAX_TRAILS): number[] {
  if (points <= max) return Array.from({ length: points }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.floor(((k + 0.5) * points) / max));
}

/**
 * Draws the summary image, readable at any number of points: the first frame, dimmed, with whole
 * trajectories (fainter where occluded) ending in a ring, for every point up to
 * {@link SUMMARY_MAX_TRAILS} points and for an evenly spread subset beyond; the start of a drawn
 * trajectory is a marker, that of every other point a small dot.
 */
export function drawSummary(firstFrame: RgbImage, set: TrackSet, style: OverlayStyle, colors: readonly Rgb[] = colorsOf(set, style)): RgbImage {
  const image = upscale(firstFrame, style.scale);
  dim(image, 0.55);
  const width = style.lineWidth ?? Math.max(1, style.radius / 2);
  const trails = summaryTrails(set.points);
  for (const i of trails) {
    const color = colors[i]!;
    const start = set.startFrame[i]!;
    for (let t = start; t + 1 < set.frames; t++) {
      const [x0, y0] = position(set, i, t, style.scale);
      const [x1, y1] = position(set, i, t + 1, style.scale);
      strokeSegment(image, x0, y0, x1, y1, width, color, isVisible(set, i, t) && isVisible(set, i, t + 1) ? 0.9 : 0.35);
    }
  }
  for (const i of trails) {
    const [xe, ye] = position(set, i, set.frames - 1, style.scale);
    strokeRing(image, xe, ye, style.radius * 0.8, Math.min(1.5, width), colors[i]!);
  }
  // Points without a drawn trail: a small plain dot where they start (a marker each would cover the frame).
  const drawn = new Set(trails);
  for (let i = 0; i < set.points; i++) {
    if (drawn.has(i)) continue;
    const [xs, ys] = position(set, i, set.startFrame[i]!, style.scale);
    fillDisc(image, xs, ys, Math.max(1, style.radius * 0.6), colors[i]!, 0.9);
  }
  for (const i of trails) {
    const [xs, ys] = position(set, i, set.startFrame[i]!, style.scale);
    drawMarker(image, xs, ys, style.radius, colors[i]!, true);
  }
  return image;
}
