// SPDX-License-Identifier: Apache-2.0
// The page's overlay style and colours are a browser copy of @taptr/video's (a Node package the
// page cannot bundle): the same defaults and colours, checked here so the two cannot drift apart.
import { defaultOverlayStyle as cliStyle, trackColors as cliColors } from '@taptr/video';
import { describe, expect, it } from 'vitest';
import { defaultOverlayStyle } from './overlay.js';
import { trackColors } from './point-color.js';

describe("the page's overlay style is the CLI's (@taptr/video)", () => {
  it('same upscale, point size, line width and trail for any size and point count', () => {
    for (const [w, h, n] of [[96, 96, 1], [96, 96, 900], [96, 96, 2500], [1296, 720, 100], [33, 17, 5000], [640, 360, 64], [4000, 3000, 3]] as const) {
      const cli = cliStyle(w, h, n);
      expect(defaultOverlayStyle(w, h, n), `${w}x${h}, ${n} points`).toEqual({ scale: cli.scale, radius: cli.radius, trail: cli.trail, lineWidth: cli.lineWidth, colors: cli.colors });
    }
  });

  it("same colours: 'rainbow' by query y and 'by-query'", () => {
    const ys = Array.from({ length: 300 }, (_, i) => ((i * 7919) % 503) + 0.25 * (i % 4));
    const css = (c: readonly number[]): string => `rgb(${c.join(', ')})`;
    expect(trackColors(ys, 'rainbow')).toEqual(cliColors(ys, 'rainbow').map(css));
    expect(trackColors(ys, 'by-query')).toEqual(cliColors(ys, 'by-query').map(css));
  });
});
