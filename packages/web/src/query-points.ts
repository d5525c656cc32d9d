// SPDX-License-Identifier: Apache-2.0
// The editable set of query points (pure state; the page draws it).
import type { QueryPoint } from '@taptr/tracker';

/** A query point the page edits: the tracker's `QueryPoint` (t, x, y in video pixels) with a stable id. */
export interface EditablePoint extends QueryPoint {
  /** Stable id (also picks the colour). */
  readonly id: number;
}

/** Immutable list of query points with add / move / remove. */
export interface QueryPoints {
  readonly points: readonly EditablePoint[];
  add(t: number, x: number, y: number): QueryPoints;
  /** Adds several points on frame `t` (ids in list order). */
  addAll(t: number, points: readonly { readonly x: number; readonly y: number }[]): QueryPoints;
  move(id: number, x: number, y: number): QueryPoints;
  remove(id: number): QueryPoints;
  /** The point of frame `t` nearest to `(x, y)` within `radius` pixels, if any. */
  hit(t: number, x: number, y: number, radius: number): EditablePoint | undefined;
}

/** Creates a point list; `width`/`height` clamp positions into the frame ([0, W-1] x [0, H-1]). */
export function createQueryPoints(width: number, height: number, points: readonly EditablePoint[] = [], nextId = 0): QueryPoints {
  const clampX = (x: number): number => Math.min(width - 1, Math.max(0, x));
  const clampY = (y: number): number => Math.min(height - 1, Math.max(0, y));
  const next = Math.max(nextId, ...points.map((p) => p.id + 1));
  const make = (list: readonly EditablePoint[]): QueryPoints => createQueryPoints(width, height, list, next);
  return {
    points,
    add: (t, x, y) => createQueryPoints(width, height, [...points, { id: next, t, x: clampX(x), y: clampY(y) }], next + 1),
    addAll: (t, list) =>
      createQueryPoints(width, height, [...points, ...list.map((p, i) => ({ id: next + i, t, x: clampX(p.x), y: clampY(p.y) }))], next + list.length),
    move: (id, x, y) => make(points.map((p) => (p.id === id ? { ...p, x: clampX(x), y: clampY(y) } : p))),
    remove: (id) => make(points.filter((p) => p.id !== id)),
    hit(t, x, y, radius) {
      let best: EditablePoint | undefined;
      let bestD = radius * radius;
      for (const p of points) {
        if (p.t !== t) continue;
        const d = (p.x - x) ** 2 + (p.y - y) ** 2;
        if (d <= bestD) {
          best = p;
          bestD = d;
        }
      }
      return best;
    },
  };
}

/**
 * Maps a position on a displayed frame to video pixels (pixel-centre convention): the canvas
 * shows pixel i over [i, i+1) * scale, so its centre is at (i + 0.5) * scale.
 * @param cssX - position within the element, CSS px; `cssWidth` the element's width.
 */
export function toVideoPixel(cssX: number, cssY: number, cssWidth: number, cssHeight: number, width: number, height: number): { x: number; y: number } {
  return { x: (cssX / cssWidth) * width - 0.5, y: (cssY / cssHeight) * height - 0.5 };
}

/** Inverse of {@link toVideoPixel}: where video pixel `(x, y)` is drawn on a canvas of `canvasWidth` x `canvasHeight`. */
export function toCanvas(x: number, y: number, canvasWidth: number, canvasHeight: number, width: number, height: number): { x: number; y: number } {
  return { x: ((x + 0.5) / width) * canvasWidth, y: ((y + 0.5) / height) * canvasHeight };
}
