// SPDX-License-Identifier: Apache-2.0
import { type Command, InvalidArgumentError } from 'commander';
import type { OverlayStyleOptions, TrackColors } from '@taptr/tensor/track-style';
import { parseColor } from '@taptr/video';
import { nonNegativeInt, positiveNumber } from '../command-kit.js';

/** The overlay style options of `taptr track` (commander's camelCase names). */
export interface OverlayOptions {
  trail?: number;
  lineWidth?: number;
  pointSize?: number;
  colors?: TrackColors;
}

/** commander option parser of `--colors`: `rainbow`, `by-query`, a CSS colour name or `#rrggbb`. */
function colorsOption(value: string): TrackColors {
  if (value === 'rainbow' || value === 'by-query') return value;
  const color = parseColor(value);
  if (color === undefined) throw new InvalidArgumentError('must be rainbow, by-query, a CSS colour name (e.g. orange) or #rrggbb.');
  return color;
}

/** Adds `--trail --line-width --point-size --colors` to a command. */
export function addOverlayOptions(command: Command): Command {
  return command
    .option('--trail <n>', 'overlay: frames of trail behind each point (default 12; 0 = none)', nonNegativeInt)
    .option('--line-width <px>', 'overlay: trail width in pixels (default: half the point size)', positiveNumber)
    .option('--point-size <px>', "overlay: marker radius in pixels (default: 0.6% of the overlay's short side, at least 2)", positiveNumber)
    .option(
      '--colors <mode>',
      "overlay: rainbow (co-tracker's: by each point's y at its query frame; default), by-query (one colour per point), or one colour for all: a CSS name or #rrggbb",
      colorsOption,
    );
}

/** The overlay style set by hand (the rest follows the video's size). */
export function overlayStyleOf(options: OverlayOptions): OverlayStyleOptions {
  return {
    ...(options.trail !== undefined ? { trail: options.trail } : {}),
    ...(options.lineWidth !== undefined ? { lineWidth: options.lineWidth } : {}),
    ...(options.pointSize !== undefined ? { radius: options.pointSize } : {}),
    ...(options.colors !== undefined ? { colors: options.colors } : {}),
  };
}
