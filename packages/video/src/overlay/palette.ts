// SPDX-License-Identifier: Apache-2.0
import type { Rgb } from './rgb-image.js';

/**
 * Colour of point `i`: hues spaced by the golden angle so neighbours in the list differ strongly,
 * at full saturation and high value (readable on most footage).
 */
export function pointColor(i: number): Rgb {
  const h = (i * 137.508) % 360;
  const s = 0.85;
  const v = 1;
  const c = v * s;
  const hp = h / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] = hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = v - c;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}
