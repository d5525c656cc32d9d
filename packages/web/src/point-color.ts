// SPDX-License-Identifier: Apache-2.0
// Point colours: the hues of the CLI's overlay (packages/cli/src/overlay/palette.ts), spaced by the
// golden angle, so a point has the same colour on the page, in its exported overlay and in the CLI's
// overlay of the same queries (the CLI numbers points 0..N-1 in list order; so does a fresh grid here).

/** RGB of point `id` (0..255 each): hue `id * 137.508` degrees, saturation 0.85, value 1. */
export function pointRgb(id: number): readonly [number, number, number] {
  const h = (((id * 137.508) % 360) + 360) % 360;
  const c = 0.85;
  const hp = h / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] = hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = 1 - c;
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}

/** CSS colour of point `id` (see {@link pointRgb}). */
export function pointColor(id: number): string {
  const [r, g, b] = pointRgb(id);
  return `rgb(${r}, ${g}, ${b})`;
}
