// SPDX-License-Identifier: Apache-2.0
// Colours by name for `taptr track --colors` (Node: the `color-name` table); the palette itself is
// @taptr/tensor/track-style's, shared with the web page.
import { createRequire } from 'node:module';
import { parseHexColor, type Rgb } from '@taptr/tensor/track-style';

/** The CSS colour names (lower case) and their RGB values: the `color-name` package (CommonJS, untyped). */
const colorNames = createRequire(import.meta.url)('color-name') as Readonly<Record<string, readonly [number, number, number]>>;

/**
 * Parses a colour: `#rrggbb`, `#rgb` or a CSS colour name (`orange`, `deepskyblue`; any case).
 * @returns the colour, or `undefined` when the text is none of these.
 */
export function parseColor(text: string): Rgb | undefined {
  const hex = parseHexColor(text);
  if (hex !== undefined) return hex;
  const value = text.trim().toLowerCase();
  const named = Object.hasOwn(colorNames, value) ? colorNames[value] : undefined;
  return named === undefined ? undefined : [named[0], named[1], named[2]];
}
