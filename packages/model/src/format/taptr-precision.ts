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

/**
 * Element type of the quantized MatMul weights of the `int8` variant, recorded in `model.json` as
 * `int8Weights` (absent in folders written before it existed: `'uint8'`, the only type written then):
 * - `'uint8'` (u8u8): safe on every CPU; onnxruntime's u8u8 kernels never saturate.
 * - `'int8'` (u8s8): onnxruntime's faster kernels on x86 CPUs with VNNI (AVX-512 VNNI, AVX-VNNI);
 *   on AVX2 without VNNI they add pairs of products in int16 and saturate (tracks move by pixels).
 * Both hold the same weights exactly (`int8 = uint8 − 128`, zero points too): `withInt8Weights` of
 * `@taptr/model` switches a model between them losslessly.
 */
export type TaptrInt8Weights = 'uint8' | 'int8';

/** Every {@link TaptrInt8Weights}, the default (the one folders written before the field hold) first. */
export const TAPTR_INT8_WEIGHTS: readonly TaptrInt8Weights[] = Object.freeze(['uint8', 'int8']);

/** Whether `value` is a {@link TaptrInt8Weights}. */
export function isTaptrInt8Weights(value: unknown): value is TaptrInt8Weights {
  return typeof value === 'string' && (TAPTR_INT8_WEIGHTS as readonly string[]).includes(value);
}
