// SPDX-License-Identifier: Apache-2.0
import { tensor } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { costVolumeCenters, querySampleGrid } from './taptr-coordinates.js';

describe('querySampleGrid (spec section 6)', () => {
  it('gives the align-corners grid 2x - 1 on square maps', () => {
    const g = querySampleGrid(tensor('float32', [2, 2], Float32Array.from([0, 1, 0.25, 0.5])), 32, 32);
    expect(g.dims).toEqual([1, 1, 2, 2]);
    expect(Array.from(g.data)).toEqual([-1, 1, -0.5, 0]);
  });
  it('reproduces the x*(h-1), y*(w-1) quirk on non-square maps', () => {
    // h = 5, w = 9: pixel u = x (h - 1) = 0.5 * 4 = 2 -> grid 2 * 2 / 8 - 1 = -0.5
    //               pixel v = y (w - 1) = 0.25 * 8 = 2 -> grid 2 * 2 / 4 - 1 = 0
    const g = querySampleGrid(tensor('float32', [1, 2], Float32Array.from([0.5, 0.25])), 5, 9);
    expect(Array.from(g.data)).toEqual([-0.5, 0]);
  });
});

describe('costVolumeCenters (spec section 7)', () => {
  it('scales x by h0 - 1 and y by w0 - 1 and drops extra components', () => {
    const refs = tensor('float32', [1, 2, 4], Float32Array.from([0.5, 0.25, 9, 9, 1, 0, 9, 9]));
    const c = costVolumeCenters(refs, 5, 9);
    expect(c.dims).toEqual([1, 2, 2]);
    expect(Array.from(c.data)).toEqual([2, 2, 4, 0]);
  });
});
