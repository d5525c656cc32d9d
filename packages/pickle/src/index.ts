// SPDX-License-Identifier: Apache-2.0
export { memorySource } from './byte-source.js';
export type { ByteSource } from './byte-source.js';
export { bytesRange, isBytesRange, materializeBytes } from './bytes-range.js';
export type { PickleBytesRange } from './bytes-range.js';
export { isGlobalRef, isTuple, mergeGlobals } from './globals.js';
export type { GlobalHandler, GlobalSpec, GlobalsMap, PickleGlobalRef, PickleTuple } from './globals.js';
export { isNumpyArrayRef, materializeArray, numpyGlobals } from './numpy-globals.js';
export type { NumpyArray, NumpyArrayRef, NumpyDType, NumpyGlobalsOptions } from './numpy-globals.js';
export { unpickle } from './unpickle.js';
export type { UnpickleOptions } from './unpickle.js';
