// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { roundHalfEven, sourceCoordinate } from './grid-sample-cpu.js';

describe('roundHalfEven (C nearbyint)', () => {
  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [-0.5, 0],
    [-1.5, -2],
    [2.4999, 2],
    [2.5001, 3],
  ])('%f -> %f', (x, r) => expect(roundHalfEven(x) + 0).toBe(r));
});

describe('sourceCoordinate (PyTorch grid_sampler_compute_source_index)', () => {
  it('maps -1 and 1 to the corner centres with alignCorners, to the outer edges without', () => {
    expect(sourceCoordinate(-1, 5, 'zeros', true)).toBe(0);
    expect(sourceCoordinate(1, 5, 'zeros', true)).toBe(4);
    expect(sourceCoordinate(-1, 5, 'zeros', false)).toBe(-0.5);
    expect(sourceCoordinate(1, 5, 'zeros', false)).toBe(4.5);
  });
  it('clips with border padding', () => {
    expect(sourceCoordinate(-3, 5, 'border', false)).toBe(0);
    expect(sourceCoordinate(3, 5, 'border', true)).toBe(4);
  });
  it('reflects about the corner centres (alignCorners) or the outer edges (no alignCorners)', () => {
    // size 5, align: period 8 over [0, 4]; pixel 5 -> 3, pixel -1 -> 1, pixel 9 -> 1
    expect(sourceCoordinate(1.5, 5, 'reflection', true)).toBe(3);
    expect(sourceCoordinate(-1.5, 5, 'reflection', true)).toBe(1);
    expect(sourceCoordinate(3.5, 5, 'reflection', true)).toBe(1);
    // size 4, no align: reflect over [-0.5, 3.5] then clip; pixel 4 -> 3, pixel -1 -> 0 (clipped from 0)
    expect(sourceCoordinate(1.25, 4, 'reflection', false)).toBe(3);
    expect(sourceCoordinate(-0.75, 4, 'reflection', false)).toBe(0);
  });
  it('returns 0 for a single-pixel axis under reflection with alignCorners', () => {
    expect(sourceCoordinate(0.7, 1, 'reflection', true)).toBe(0);
  });
});
