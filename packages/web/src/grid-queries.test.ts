// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { gridPoints } from './grid-queries.js';
import { maskArea, maskFromRgba } from './pixel-mask.js';

describe('gridPoints', () => {
  it('puts one point at the centre of each of n x n cells, row by row (the CLI --grid placement)', () => {
    expect(gridPoints(1, 96, 64)).toEqual([{ x: 47.5, y: 31.5 }]);
    const g = gridPoints(2, 8, 4);
    expect(g).toEqual([
      { x: 1.5, y: 0.5 },
      { x: 5.5, y: 0.5 },
      { x: 1.5, y: 2.5 },
      { x: 5.5, y: 2.5 },
    ]);
    // Symmetric about the image centre, never on the border.
    const big = gridPoints(10, 1296, 720);
    expect(big).toHaveLength(100);
    expect(big[0]!.x + big[9]!.x).toBeCloseTo(1295, 9);
    expect(big[0]!.y + big[99]!.y).toBeCloseTo(719, 9);
  });

  it('keeps the points whose nearest pixel is inside the mask', () => {
    // 4x2 mask, right half inside: x = 0.5 rounds to pixel 1 (outside), x = 2.5 to pixel 3 (inside).
    const inside = new Uint8Array([0, 0, 1, 1, 0, 0, 1, 1]);
    expect(gridPoints(2, 4, 2, { width: 4, height: 2, inside })).toEqual([
      { x: 2.5, y: 0 },
      { x: 2.5, y: 1 },
    ]);
  });

  it('rejects a bad n or a mask of another size', () => {
    expect(() => gridPoints(0, 4, 4)).toThrow(RangeError);
    expect(() => gridPoints(2.5, 4, 4)).toThrow('gridPoints: n must be an integer in [1, 40], got 2.5');
    expect(() => gridPoints(2, 4, 4, { width: 2, height: 2, inside: new Uint8Array(4) })).toThrow("mask must be 4x4 (the video's size), got 2x2");
  });
});

describe('maskFromRgba', () => {
  it('reads inside = alpha non-zero and any colour non-zero (the CLI --mask rule)', () => {
    const rgba = new Uint8Array([
      255,
      255,
      255,
      255, // white: inside
      0,
      0,
      0,
      255, // black: outside
      255,
      0,
      255,
      0, // transparent: outside
      0,
      0,
      9,
      1, // faint blue: inside
    ]);
    const mask = maskFromRgba(2, 2, rgba);
    expect(Array.from(mask.inside)).toEqual([1, 0, 0, 1]);
    expect(maskArea(mask)).toBe(2);
    expect(() => maskFromRgba(2, 2, new Uint8Array(3))).toThrow('maskFromRgba: rgba must be 16 bytes for 2x2, got 3');
  });
});
