// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { createQueryPoints, toCanvas, toVideoPixel } from './query-points.js';

describe('query points', () => {
  it('adds, moves and removes points with stable ids, clamped into the frame', () => {
    let q = createQueryPoints(96, 64);
    q = q.add(0, 10, 20).add(3, -5, 100).add(3, 50, 30);
    expect(q.points).toEqual([
      { id: 0, t: 0, x: 10, y: 20 },
      { id: 1, t: 3, x: 0, y: 63 },
      { id: 2, t: 3, x: 50, y: 30 },
    ]);
    q = q.remove(1).move(2, 95.5, 1).add(5, 1, 1);
    expect(q.points).toEqual([
      { id: 0, t: 0, x: 10, y: 20 },
      { id: 2, t: 3, x: 95, y: 1 },
      { id: 3, t: 5, x: 1, y: 1 },
    ]);
  });

  it('hits the nearest point of the current frame within the radius', () => {
    const q = createQueryPoints(96, 96).add(0, 10, 10).add(0, 14, 10).add(1, 10, 10);
    expect(q.hit(0, 11, 10, 3)?.id).toBe(0);
    expect(q.hit(0, 13, 10, 3)?.id).toBe(1);
    expect(q.hit(0, 30, 30, 3)).toBeUndefined();
    expect(q.hit(2, 10, 10, 3)).toBeUndefined();
  });

  it('maps display positions to video pixels with integer = pixel centre, and back', () => {
    // 96 px video shown 576 px wide: pixel 0 covers [0, 6) so its centre is at 3.
    expect(toVideoPixel(3, 3, 576, 576, 96, 96)).toEqual({ x: 0, y: 0 });
    expect(toVideoPixel(576 - 3, 9, 576, 576, 96, 96)).toEqual({ x: 95, y: 1 });
    expect(toCanvas(95, 1, 576, 576, 96, 96)).toEqual({ x: 573, y: 9 });
    const p = toVideoPixel(200, 100, 576, 576, 96, 96);
    const back = toCanvas(p.x, p.y, 576, 576, 96, 96);
    expect(back.x).toBeCloseTo(200, 10);
    expect(back.y).toBeCloseTo(100, 10);
  });

  it('adds a list of points on one frame with consecutive ids', () => {
    const q = createQueryPoints(10, 10)
      .add(0, 1, 1)
      .addAll(4, [
        { x: 2, y: 3 },
        { x: 20, y: -1 },
      ]);
    expect(q.points).toEqual([
      { id: 0, t: 0, x: 1, y: 1 },
      { id: 1, t: 4, x: 2, y: 3 },
      { id: 2, t: 4, x: 9, y: 0 },
    ]);
    expect(q.add(0, 0, 0).points.at(-1)!.id).toBe(3);
  });
});
