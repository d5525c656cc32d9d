// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { colorsOf, defaultOverlayStyle } from './overlay.js';
import { gistRainbow, trackColors } from './point-color.js';

describe('defaultOverlayStyle', () => {
  it('is the CLI default: upscale to a short side >= 360 px (at most 8x), radius 0.6% of it (>= 2, smaller for dense points), trails half as wide, 12 frames, rainbow', () => {
    expect(defaultOverlayStyle(96, 96)).toEqual({ scale: 4, radius: 2, trail: 12, lineWidth: 1, colors: 'rainbow' });
    expect(defaultOverlayStyle(1296, 720)).toEqual({ scale: 1, radius: 4, trail: 12, lineWidth: 2, colors: 'rainbow' });
    // 2500 points on 96 x 96 (4x): mean spacing 7.68 px, radius at most a fifth of it.
    expect(defaultOverlayStyle(96, 96, 2500).radius).toBeCloseTo(1.536, 9);
    expect(defaultOverlayStyle(96, 96, 10_000).radius).toBe(1.5);
    expect(defaultOverlayStyle(96, 96, 1, { radius: 6, trail: 3, lineWidth: 2, colors: { color: '#ffcc00' } })).toEqual({ scale: 4, radius: 6, trail: 3, lineWidth: 2, colors: { color: '#ffcc00' } });
  });

  it("colours 'rainbow' by the y at the query frame (matplotlib gist_rainbow), 'by-query' by list order, or one colour", () => {
    expect(gistRainbow(0)).toEqual([255, 0, 41]);
    expect(gistRainbow(1)).toEqual([255, 0, 191]);
    expect(trackColors([10, 30, 20], 'rainbow')).toEqual(['rgb(255, 0, 41)', 'rgb(255, 0, 191)', `rgb(${gistRainbow(0.5).join(', ')})`]);
    expect(trackColors([5, 5], 'by-query')).toEqual(['rgb(255, 38, 38)', 'rgb(38, 255, 101)']);
    expect(trackColors([5, 5], { color: 'orange' })).toEqual(['orange', 'orange']);
    // Tracks: point 0 queried on frame 1 at y = 9, point 1 on frame 0 at y = 1.
    const set = { frames: 2, tracks: new Float32Array([0, 5, 0, 9, 0, 1, 0, 3]), visible: new Uint8Array(4), startFrame: [1, 0], queryFrame: [1, 0] };
    expect(colorsOf(set, { colors: 'rainbow' })).toEqual(['rgb(255, 0, 191)', 'rgb(255, 0, 41)']);
  });
});
