// SPDX-License-Identifier: Apache-2.0
import { describeValue, invalidArgument } from '@taptr/tensor';

/**
 * Which G3 graph decodes a window. Both compute the same window (each within 1e-4 of the official
 * model); they differ in cost:
 * - `'project-first'` (`model.decoderWindow`, the official order): every layer projects the whole
 *   window memory `[K, S, C]` (`value_proj`) and the correlation volume `[K, S, N]` is computed once;
 *   time grows slowly with N and transient memory stays bounded at N = 800 (evaluation padding).
 * - `'sample-first'` (`model.decoderWindowSampleFirst`): the raw memory is sampled first and projected
 *   after, so no per-layer work runs on the whole memory: several times faster for few points, but it
 *   holds K·N·M·L·P·4·C floats of gathers per layer (≈ 270 MB at N = 64 for the released model).
 */
export type DecoderPath = 'sample-first' | 'project-first';

/**
 * Default largest point count of a window decoded on the `'sample-first'` path. Measured on the released
 * configuration (onnxruntime-node CPU, 2 threads) the sample-first window is 7.2x faster at N = 16,
 * 2.5x at N = 64 and 1.9x at N = 128, while its gathers grow linearly (≈ 270 MB per layer at N = 64,
 * ≈ 540 MB at N = 128): 64 keeps the transient memory small where the gain is large. On the reduced
 * reference model (128 x 128) both paths cost the same from N = 16 on.
 */
export const DEFAULT_SAMPLE_FIRST_MAX_POINTS = 64;

/**
 * Validates a `sampleFirstMaxPoints` option: a non-negative integer, or `Infinity` (always the
 * sample-first path); `undefined` gives {@link DEFAULT_SAMPLE_FIRST_MAX_POINTS}.
 * @throws TypeError when not a number; RangeError when negative or fractional (naming `fn` and the option).
 */
export function resolveSampleFirstMaxPoints(fn: string, value: unknown): number {
  if (value === undefined) return DEFAULT_SAMPLE_FIRST_MAX_POINTS;
  const expected = 'a non-negative integer point count or Infinity (0 = never use the sample-first decoder)';
  if (typeof value !== 'number') throw invalidArgument('type', fn, 'options.sampleFirstMaxPoints', expected, describeValue(value));
  if (!(value === Infinity || (Number.isInteger(value) && value >= 0)))
    throw invalidArgument('range', fn, 'options.sampleFirstMaxPoints', expected, describeValue(value));
  return value;
}

/**
 * The decoder path of a window of `points` points: `'sample-first'` when the model has that graph
 * and `points <= sampleFirstMaxPoints`, else `'project-first'`.
 */
export function chooseDecoderPath(points: number, sampleFirstMaxPoints: number, hasSampleFirst: boolean): DecoderPath {
  return hasSampleFirst && points <= sampleFirstMaxPoints ? 'sample-first' : 'project-first';
}
