// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { colorsOf, defaultOverlayStyle, gistRainbow, parseHexColor, pointColor, trackColors, type TrackSet } from './track-style.js';

describe('point colours', () => {
  it("gist_rainbow: matplotlib's control points, looked up in its 256-entry table", () => {
    expect(gistRainbow(0)).toEqual([255, 0, 41]); // (1, 0, 0.16)
    expect(gistRainbow(1)).toEqual([255, 0, 191]); // (1, 0, 0.75)
    expect(gistRainbow(0.4)).toEqual([0, 255, 0]); // entry 102 = 0.4 exactly
    expect(gistRainbow(-3)).toEqual(gistRainbow(0));
    expect(gistRainbow(7)).toEqual(gistRainbow(1));
    expect(gistRainbow(Number.NaN)).toEqual(gistRainbow(0));
    // Between control points: entry floor(0.5 * 256) = 128 is 128/255 = 0.50196, between green (0.4) and cyan (0.586).
    expect(gistRainbow(0.5)).toEqual([0, 255, Math.round(((128 / 255 - 0.4) / 0.186) * 255)]);
  });

  it("'by-query': golden-angle hues (point 0 hue 0, point 1 hue 137.508), distinct for the first 16", () => {
    expect(pointColor(0)).toEqual([255, 38, 38]);
    expect(pointColor(1)).toEqual([38, 255, 101]);
    expect(new Set(Array.from({ length: 16 }, (_, i) => pointColor(i).join(','))).size).toBe(16);
  });

  it("'rainbow' colours by the query's y (top = red end, bottom = magenta end), 'by-query' by index, or one colour", () => {
    const ys = [50, 10, 30];
    expect(trackColors(ys, 'rainbow')).toEqual([gistRainbow(1), gistRainbow(0), gistRainbow(0.5)]);
    expect(trackColors([7, 7], 'rainbow')).toEqual([gistRainbow(0), gistRainbow(0)]);
    // A point without a finite y does not move the range.
    expect(trackColors([10, Number.NaN, 20], 'rainbow')).toEqual([gistRainbow(0), gistRainbow(0), gistRainbow(1)]);
    expect(trackColors(ys, 'by-query')).toEqual([pointColor(0), pointColor(1), pointColor(2)]);
    expect(trackColors(ys, [1, 2, 3])).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it("colours a track set by the y at each point's query frame, not at frame 0 (default: its start frame)", () => {
    const set: TrackSet = {
      points: 2,
      frames: 2,
      tracks: [0, 0, 0, 90, /* point 1 */ 0, 50, 0, 20],
      visible: [1, 1, 1, 1],
      startFrame: [0, 0],
      queryFrame: [1, 0],
    };
    expect(colorsOf(set, {})).toEqual([gistRainbow(1), gistRainbow(0)]);
    expect(colorsOf({ ...set, queryFrame: undefined, startFrame: [0, 1] }, { colors: 'rainbow' })).toEqual([gistRainbow(0), gistRainbow(1)]);
    expect(colorsOf(set, { colors: 'by-query' })).toEqual([pointColor(0), pointColor(1)]);
  });

  it('parses #rrggbb and #rgb, and nothing else', () => {
    expect(parseHexColor('#ff8000')).toEqual([255, 128, 0]);
    expect(parseHexColor(' #F80 ')).toEqual([255, 136, 0]);
    for (const bad of ['#12345', 'ff8000', 'orange', 'rgb(1,2,3)', '', '#ggg']) expect(parseHexColor(bad), bad).toBeUndefined();
  });
});

describe('defaultOverlayStyle', () => {
  it('markers about 0.6% of the short side (at least 2 px), trails half as wide and 12 frames long, small videos upscaled (at most 8x)', () => {
    expect(defaultOverlayStyle(1296, 720)).toEqual({ scale: 1, radius: 4, trail: 12, lineWidth: 2, colors: 'rainbow' });
    expect(defaultOverlayStyle(3840, 2160)).toMatchObject({ scale: 1, radius: 13 });
    expect(defaultOverlayStyle(96, 96)).toEqual({ scale: 4, radius: 2, trail: 12, lineWidth: 1, colors: 'rainbow' });
    expect(defaultOverlayStyle(16, 16)).toMatchObject({ scale: 8 });
    expect(defaultOverlayStyle(1296, 720, 900).radius).toBe(4);
  });

  it('shrinks markers when points are denser than a fifth of their spacing, and takes what is set by hand', () => {
    // 2500 points on 96 x 96 (4x): mean spacing 7.68 px, radius at most a fifth of it.
    expect(defaultOverlayStyle(96, 96, 2500).radius).toBeCloseTo(1.536, 9);
    expect(defaultOverlayStyle(96, 96, 10_000).radius).toBe(1.5);
    expect(defaultOverlayStyle(1296, 720, 1, { radius: 9, trail: 0, lineWidth: 3, colors: [1, 2, 3] })).toEqual({
      scale: 1,
      radius: 9,
      trail: 0,
      lineWidth: 3,
      colors: [1, 2, 3],
    });
    // undefined = the default (the page's empty fields).
    expect(defaultOverlayStyle(96, 96, 1, { radius: undefined, trail: undefined, lineWidth: undefined, colors: undefined })).toEqual(
      defaultOverlayStyle(96, 96),
    );
  });
});
