// SPDX-License-Identifier: Apache-2.0
// The palette, colorsOf and the default style are @taptr/tensor/track-style's (tested there); here, their CSS form.
import { describe, expect, it } from 'vitest';
import { colorsOf, pointColor } from '@taptr/tensor/track-style';
import { cssColor } from './overlay.js';

describe('colours on the canvas', () => {
  it('writes the shared colours as CSS rgb()', () => {
    expect(cssColor(pointColor(0))).toBe('rgb(255, 38, 38)');
    const set = { points: 2, frames: 1, tracks: [0, 5, 0, 1], visible: [1, 1], startFrame: [0, 0] };
    expect(colorsOf(set, { colors: 'by-query' }).map(cssColor)).toEqual(['rgb(255, 38, 38)', 'rgb(38, 255, 101)']);
    expect(colorsOf(set, { colors: [255, 204, 0] }).map(cssColor)).toEqual(['rgb(255, 204, 0)', 'rgb(255, 204, 0)']);
  });
});
