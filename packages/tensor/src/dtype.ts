// SPDX-License-Identifier: Apache-2.0

/**
 * Element types, named as in `onnxruntime-common` so that an ORT CPU tensor is a {@link TensorView}
 * without a copy. `bool` is stored one byte per element (0 or 1) in a `Uint8Array`.
 */
export interface DataTypeMap {
  float32: Float32Array;
  float64: Float64Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
}

/** One of the element type names of {@link DataTypeMap}. */
export type DType = keyof DataTypeMap;

/** A typed array of any {@link DType}. */
export type TypedArray = DataTypeMap[DType];

const CONSTRUCTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as const;

/** All supported element type names. */
export const DTYPES: readonly DType[] = Object.freeze(Object.keys(CONSTRUCTORS) as DType[]);

/** Returns true when `value` names a supported {@link DType}. */
export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.hasOwn(CONSTRUCTORS, value);
}

/** Bytes per element of `type`. */
export function bytesPerElement(type: DType): number {
  return CONSTRUCTORS[type].BYTES_PER_ELEMENT;
}

/** Allocates a zero-filled typed array of `type` with `length` elements. */
export function allocate<T extends DType>(type: T, length: number): DataTypeMap[T] {
  return new CONSTRUCTORS[type](length) as DataTypeMap[T];
}

/** Creates a typed array of `type` viewing `length` elements of `buffer` starting at `byteOffset` (no copy). */
export function viewOf<T extends DType>(type: T, buffer: ArrayBufferLike, byteOffset: number, length: number): DataTypeMap[T] {
  return new CONSTRUCTORS[type](buffer as ArrayBuffer, byteOffset, length) as DataTypeMap[T];
}
