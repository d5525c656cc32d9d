// SPDX-License-Identifier: Apache-2.0
// The palette and the default style are @taptr/tensor/track-style's (tested there); here, the page's CSS form of them.
import { describe, expect, it } from 'vitest';
import { gistRainbow } from '@taptr/tensor/track-style';
import { colorsOf, cssColor } from './overlay.js';

describe('colours on the canvas', () => {
  it("colours 'rainbow' by the y at the query frame, 'by-query' by list order, or one colour, as CSS", () => {
    expect(cssColor([255, 38, 38])).toBe('rgb(255, 38, 38)');
    // Tracks: point 0 queried on frame 1 at y = 9, point 1 on frame 0 at y = 1.
    const set = { frames: 2, tracks: new Float32Array([0, 5, 0, 9, 0, 1, 0, 3]), visible: new Uint8Array(4), startFrame: [1, 0], queryFrame: [1, 0] };
    expect(colorsOf(set, { colors: 'rainbow' })).toEqual([cssColor(gistRainbow(1)), cssColor(gistRainbow(0))]);
    expect(colorsOf(set, {})).toEqual(colorsOf(set, { colors: 'rainbow' }));
    expect(colorsOf(set, { colors: 'by-query' })).toEqual(['rgb(255, 38, 38)', 'rgb(38, 255, 101)']);
    expect(colorsOf(set, { colors: [255, 204, 0] })).toEqual(['rgb(255, 204, 0)', 'rgb(255, 204, 0)']);
  });
});
