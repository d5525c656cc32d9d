// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { gridQueries } from './grid-queries.js';

describe('gridQueries', () => {
  it('puts each point at its cell centre (integer = pixel centre)', () => {
    const points = gridQueries(4, 3, 96, 48);
    expect(points).toHaveLength(16);
    expect(points.slice(0, 4).map((p) => p.x)).toEqual([11.5, 35.5, 59.5, 83.5]);
    expect(points.filter((_, i) => i % 4 === 0).map((p) => p.y)).toEqual([5.5, 17.5, 29.5, 41.5]);
    expect(points.every((p) => p.t === 3)).toBe(true);
    // A 1x1 grid is the image centre; symmetric about it for any n.
    expect(gridQueries(1, 0, 5, 3)).toEqual([{ t: 0, x: 2, y: 1 }]);
  });

  it('keeps the points whose nearest pixel is inside the mask, and checks the mask size and n', () => {
    // 4x2 mask, right half inside: x = 0.5 rounds to pixel 1 (outside), x = 2.5 to pixel 3 (inside).
    const mask = { width: 4, height: 2, inside: new Uint8Array([0, 0, 1, 1, 0, 0, 1, 1]) };
    expect(gridQueries(2, 5, 4, 2, mask)).toEqual([
      { t: 5, x: 2.5, y: 0 },
      { t: 5, x: 2.5, y: 1 },
    ]);
    expect(() => gridQueries(2, 0, 8, 2, mask)).toThrow(/gridQueries: mask must be 8x2 \(the video's size\), got 4x2/);
    expect(() => gridQueries(1.5, 0, 8, 2)).toThrow(RangeError);
  });
});
