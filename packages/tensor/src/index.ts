// SPDX-License-Identifier: Apache-2.0
export { allocate, bytesPerElement, DTYPES, isDType, viewOf } from './dtype.js';
export type { DataTypeMap, DType, TypedArray } from './dtype.js';
export { describeValue, invalidArgument, isTaptrError, TaptrError } from './errors.js';
export type { TaptrErrorCode } from './errors.js';
export { readNpy, readNpyHeader, writeNpy } from './npy.js';
export { seededRandom } from './seeded-random.js';
export type { NpyHeader } from './npy.js';
export { byteSizeOf, checkTensor, formatShape, shapeSize, stridesOf, tensor } from './tensor-view.js';
export type { TensorView } from './tensor-view.js';
