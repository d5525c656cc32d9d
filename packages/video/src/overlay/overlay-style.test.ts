// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { defaultOverlayStyle, type TrackSet } from '@taptr/tensor/track-style';
import { drawOverlayFrame, drawSummary, SUMMARY_MAX_TRAILS, summaryTrails } from './draw-tracks.js';
import { parseColor } from './palette.js';
import type { RgbImage } from './rgb-image.js';

const grey = (width: number, height: number, value = 100): RgbImage => ({ width, height, data: new Uint8Array(width * height * 3).fill(value) });
const px = (image: RgbImage, x: number, y: number): number[] => [...image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3)];

/** `n` points on a grid over `width x height`, each drifting on a seeded random walk for `frames` frames. */
function gridWalk(n: number, frames: number, width: number, height: number): TrackSet {
  const g = Math.round(Math.sqrt(n));
  const tracks = new Float32Array(n * frames * 2);
  let seed = 1;
  const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < n; i++) {
    let x = (((i % g) + 0.5) * width) / g - 0.5;
    let y = ((Math.floor(i / g) + 0.5) * height) / g - 0.5;
    const vx = (random() - 0.5) * 0.6;
    const vy = (random() - 0.5) * 0.6;
    for (let t = 0; t < frames; t++) {
      tracks[(i * frames + t) * 2] = x;
      tracks[(i * frames + t) * 2 + 1] = y;
      x += vx + (random() - 0.5) * 0.5;
      y += vy + (random() - 0.5) * 0.5;
    }
  }
  return { points: n, frames, tracks, visible: new Uint8Array(n * frames).fill(1), startFrame: new Array<number>(n).fill(0) };
}

/** Fraction of pixels that differ from `background`. */
function coverage(image: RgbImage, background: number): number {
  let drawn = 0;
  for (let i = 0; i < image.data.length; i += 3)
    if (image.data[i] !== background || image.data[i + 1] !== background || image.data[i + 2] !== background) drawn++;
  return drawn / (image.width * image.height);
}

// The palette, colorsOf and defaultOverlayStyle themselves: @taptr/tensor's track-style.test.ts.
describe('colours', () => {
  it('parses #rrggbb, #rgb and CSS colour names, and nothing else', () => {
    expect(parseColor('#ff8000')).toEqual([255, 128, 0]);
    expect(parseColor('#F80')).toEqual([255, 136, 0]);
    expect(parseColor('orange')).toEqual([255, 165, 0]);
    expect(parseColor(' DeepSkyBlue ')).toEqual([0, 191, 255]);
    for (const bad of ['#12345', 'ff8000', 'notacolour', 'rgb(1,2,3)', '', 'constructor', '__proto__']) expect(parseColor(bad), bad).toBeUndefined();
  });
});

describe('overlay style', () => {
  it('draws with the line width and colours of the style', () => {
    const set: TrackSet = { points: 1, frames: 2, tracks: [4, 10, 24, 10], visible: [1, 1], startFrame: [0] };
    const thin = drawOverlayFrame(grey(32, 20, 0), 1, set, { scale: 1, radius: 2, trail: 1, lineWidth: 1, colors: [200, 0, 0] });
    const thick = drawOverlayFrame(grey(32, 20, 0), 1, set, { scale: 1, radius: 2, trail: 1, lineWidth: 5, colors: [200, 0, 0] });
    expect(px(thin, 14, 12)).toEqual([0, 0, 0]); // 2 px off the trail
    expect(px(thick, 14, 12)[0]).toBe(90); // fully covered, at the fading trail's opacity (0.45)
    expect(px(thick, 24, 10)).toEqual([200, 0, 0]); // the marker, in the single colour
  });
});

describe('summary picture', () => {
  it('draws every trajectory up to the limit, then a spread subset', () => {
    expect(summaryTrails(5)).toEqual([0, 1, 2, 3, 4]);
    const subset = summaryTrails(900);
    expect(subset).toHaveLength(SUMMARY_MAX_TRAILS);
    expect(new Set(subset).size).toBe(SUMMARY_MAX_TRAILS);
    // Spread over the grid: every row band of the 30 x 30 grid has some.
    expect(new Set(subset.map((i) => Math.floor(i / 30 / 3))).size).toBe(10);
  });

  it('stays readable at N = 900: under a quarter of the pixels drawn on (every trail drawn covered 87%)', () => {
    for (const [width, height, most] of [
      [96, 96, 0.25],
      [1296, 720, 0.1],
    ] as const) {
      const set = gridWalk(900, 50, width, height);
      const style = defaultOverlayStyle(width, height, 900);
      const image = drawSummary(grey(width, height), set, style);
      const drawn = coverage(image, Math.round(100 * 0.55));
      expect(drawn, `${width}x${height}`).toBeLessThan(most);
      expect(drawn, `${width}x${height}`).toBeGreaterThan(0.02);
    }
  });
});
