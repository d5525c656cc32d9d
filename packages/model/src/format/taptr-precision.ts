// SPDX-License-Identifier: Apache-2.0

/**
 * Numeric variants of the TAPTR graphs, recorded in `model.json` as `precision`. `fp32` is the
 * default (parity with the official model); the others are opt-in (made by `applyTaptrPrecision`):
 * - `int8`: dynamic int8 quantization of the dense layers that run on every memory token; compute is
 *   faster, tracks deviate (package README).
 * - `fp16-weights`: weights stored as float16: half the download, float32 compute.
 */
export type TaptrPrecision = 'fp32' | 'int8' | 'fp16-weights';

/** Every {@link TaptrPrecision}, the default first. */
export const TAPTR_PRECISIONS: readonly TaptrPrecision[] = Object.freeze(['fp32', 'int8', 'fp16-weights']);

/** Whether `value` is a {@link TaptrPrecision}. */
export function isTaptrPrecision(value: unknown): value is TaptrPrecision {
  return typeof value === 'string' && (TAPTR_PRECISIONS as readonly string[]).includes(value);
}
