// SPDX-License-Identifier: Apache-2.0
// Drawing of query points and tracks over a frame.
import { pointColor, toCanvas, type QueryPoint } from './query-points.js';

/** A tracking result as the page keeps it. */
export interface TrackedPoints {
  readonly ids: readonly number[];
  readonly frames: number;
  /** `[N, T, 2]` pixels. */
  readonly tracks: Float32Array;
  /** `[N, T]` 1 = visible. */
  readonly visible: Uint8Array;
}

/** Frames of trail drawn behind each tracked point. */
export const TRAIL_FRAMES = 12;

/**
 * Draws trails (last {@link TRAIL_FRAMES} frames, fading) and markers at frame `t`: a filled disc
 * where the point is visible, a hollow ring where it is occluded.
 */
export function drawTracks(ctx: CanvasRenderingContext2D, result: TrackedPoints, t: number, width: number, height: number): void {
  const { width: cw, height: ch } = ctx.canvas;
  const T = result.frames;
  const r = Math.max(4, cw / 90);
  result.ids.forEach((id, n) => {
    const color = pointColor(id);
    const at = (k: number): { x: number; y: number } => toCanvas(result.tracks[(n * T + k) * 2]!, result.tracks[(n * T + k) * 2 + 1]!, cw, ch, width, height);
    ctx.lineWidth = Math.max(2, cw / 300);
    ctx.strokeStyle = color;
    for (let k = Math.max(1, t - TRAIL_FRAMES + 1); k <= t; k++) {
      const a = at(k - 1);
      const b = at(k);
      ctx.globalAlpha = 0.25 + 0.75 * (1 - (t - k) / TRAIL_FRAMES);
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    const p = at(t);
    ctx.beginPath();
    ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
    if (result.visible[n * T + t] === 1) {
      ctx.fillStyle = color;
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = '#000';
      ctx.stroke();
    } else {
      ctx.lineWidth = Math.max(2, r / 2.5);
      ctx.strokeStyle = color;
      ctx.stroke();
    }
  });
}

/** Draws the query points: a cross-hair on their query frame, a small dot elsewhere. */
export function drawQueries(ctx: CanvasRenderingContext2D, points: readonly QueryPoint[], t: number, width: number, height: number, selected: number | undefined): void {
  const { width: cw, height: ch } = ctx.canvas;
  const r = Math.max(5, cw / 70);
  for (const q of points) {
    const p = toCanvas(q.x, q.y, cw, ch, width, height);
    ctx.strokeStyle = pointColor(q.id);
    ctx.fillStyle = pointColor(q.id);
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
}
