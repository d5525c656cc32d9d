// SPDX-License-Identifier: Apache-2.0
// The tensor form of the browser test harness's boundary (src/harness.ts in the page,
// test/harness-client.ts in Node): both sides decode the bytes with these array types.
import type { RuntimeDType } from '@taptr/runtime';

/** A tensor as it crosses page.evaluate: element type, dims and base64 of the little-endian bytes. */
export interface WireTensor {
  readonly type: RuntimeDType;
  readonly dims: readonly number[];
  readonly base64: string;
}

/** The typed array each runtime element type is carried in (`bool` as bytes, `float16` as raw 16-bit words). */
export const WIRE_ARRAYS = {
  float32: Float32Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  int8: Int8Array,
  bool: Uint8Array,
  float16: Uint16Array,
} as const satisfies Record<RuntimeDType, unknown>;
