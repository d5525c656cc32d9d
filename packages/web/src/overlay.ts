// SPDX-License-Identifier: Apache-2.0
// Drawing of tracks over a frame on a canvas, with the look and the options of the CLI's overlay
// (its colours and default style are @taptr/tensor/track-style's, shared with @taptr/video): each
// point in its colour, a trail of its last `trail` frames (fading, fainter where occluded), a filled
// marker where visible and a hollow ring where occluded, nothing before a point's start frame. The
// page's preview and the exported video use it.
import { colorsOf, type OverlayStyle, type Rgb, type TrackSet } from '@taptr/tensor/track-style';
import { toCanvas, type EditablePoint } from './query-points.js';

/** A colour as CSS: `rgb(r, g, b)`. */
export function cssColor([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

/**
 * Draws frame `t` of `set` on `ctx`, whose top-left `area` (default: the whole canvas) shows the
 * whole `width x height` video; sizes follow `style` for an area `width * style.scale` wide (they
 * shrink or grow with the area).
 */
export function drawTracks(
  ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D,
  set: TrackSet,
  t: number,
  width: number,
  height: number,
  style: OverlayStyle,
  area: { readonly width: number; readonly height: number } = ctx.canvas,
): void {
  const { width: cw, height: ch } = area;
  const k = cw / (width * style.scale);
  const radius = style.radius * k;
  const T = set.frames;
  const at = (n: number, f: number): { x: number; y: number } =>
    toCanvas(set.tracks[(n * T + f) * 2]!, set.tracks[(n * T + f) * 2 + 1]!, cw, ch, width, height);
  const seen = (n: number, f: number): boolean => Boolean(set.visible[n * T + f]);
  const colors = colorsOf(set, style).map(cssColor);
  const colorOf = (n: number): string => colors[n]!;
  ctx.save();
  ctx.lineCap = 'round';
  ctx.lineWidth = (style.lineWidth ?? Math.max(1, style.radius / 2)) * k;
  for (let n = 0; n < set.points; n++) {
    const start = set.startFrame[n]!;
    if (t < start) continue;
    ctx.strokeStyle = colorOf(n);
    for (let f = Math.max(start, t - style.trail); f < t; f++) {
      const a = at(n, f);
      const b = at(n, f + 1);
      const age = (t - f) / (style.trail + 1);
      ctx.globalAlpha = (1 - age) * (seen(n, f) && seen(n, f + 1) ? 0.9 : 0.35);
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
      ctx.stroke();
    }
  }
  ctx.globalAlpha = 1;
  for (let n = 0; n < set.points; n++) {
    if (t < set.startFrame[n]!) continue;
    const p = at(n, t);
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const color = colorOf(n);
    if (seen(n, t)) {
      ctx.globalAlpha = 0.6;
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 1.5 * Math.max(1, k);
      ctx.beginPath();
      ctx.arc(p.x, p.y, radius + 0.5 * Math.max(1, k), 0, 2 * Math.PI);
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.arc(p.x, p.y, radius, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      ctx.strokeStyle = color;
      ctx.lineWidth = Math.max(1.5, radius / 2.5);
      ctx.beginPath();
      ctx.arc(p.x, p.y, radius, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
  ctx.restore();
}

/** Draws the query points (in `colors`, one per point): a cross-hair on their query frame, a small dot elsewhere. */
export function drawQueries(
  ctx: CanvasRenderingContext2D,
  points: readonly EditablePoint[],
  colors: readonly string[],
  t: number,
  width: number,
  height: number,
  selected: number | undefined,
): void {
  const { width: cw, height: ch } = ctx.canvas;
  const r = Math.max(5, cw / 70);
  ctx.save();
  for (const [i, q] of points.entries()) {
    const p = toCanvas(q.x, q.y, cw, ch, width, height);
    ctx.strokeStyle = colors[i]!;
    ctx.fillStyle = colors[i]!;
    if (q.t === t) {
      ctx.lineWidth = q.id === selected ? 3 : 2;
      ctx.beginPath();
      ctx.moveTo(p.x - r, p.y);
      ctx.lineTo(p.x + r, p.y);
      ctx.moveTo(p.x, p.y - r);
      ctx.lineTo(p.x, p.y + r);
      ctx.stroke();
      ctx.beginPath();
      ctx.rect(p.x - r * 0.6, p.y - r * 0.6, r * 1.2, r * 1.2);
      ctx.stroke();
    } else {
      ctx.globalAlpha = 0.5;
      ctx.beginPath();
      ctx.arc(p.x, p.y, 2, 0, 2 * Math.PI);
      ctx.fill();
      ctx.globalAlpha = 1;
    }
  }
  ctx.restore();
}
