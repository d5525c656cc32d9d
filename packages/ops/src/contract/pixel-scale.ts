// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument } from '@taptr/tensor';

/**
 * Per-axis factors `[sx, sy]` that turn the (x, y) positions an op is given into pixels: pixel =
 * (x · sx, y · sy), each product rounded to float32. Lets a caller pass normalized align-corners
 * coordinates (`[w − 1, h − 1]`, docs/coordinates.md §2) without a separate scaling step.
 */
export type PixelScale = readonly [number, number];

/** Checks an optional {@link PixelScale} attribute. @internal */
export function checkPixelScale(fn: string, arg: string, value: unknown): PixelScale | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw invalidArgument('range', fn, arg, 'a pair of finite numbers [sx, sy]', describeValue(value));
  }
  return [value[0] as number, value[1] as number];
}
