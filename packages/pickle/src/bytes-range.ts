// SPDX-License-Identifier: Apache-2.0
import type { ByteSource } from './byte-source.js';

/**
 * A lazy reference to a `bytes` / `bytearray` payload of a pickle: where it lies in the source,
 * not a copy. The unpickler returns one instead of a `Uint8Array` for payloads of at least
 * `lazyThreshold` bytes, so that a multi-GB pickle is never held in one buffer. The source must
 * stay readable (e.g. the file stay open) until {@link PickleBytesRange.read} is called.
 */
export interface PickleBytesRange {
  readonly kind: 'bytes-range';
  /** Byte offset of the payload in the source. */
  readonly offset: number;
  /** Payload length in bytes. */
  readonly length: number;
  /** The source the payload lives in. */
  readonly source: ByteSource;
  /** True for a Python `bytearray` (protocol 5 NumPy payloads), false for `bytes`. */
  readonly mutable: boolean;
  /** Reads the payload into a new `Uint8Array` that the caller owns. */
  read(): Uint8Array;
}

/** Creates a {@link PickleBytesRange}. */
export function bytesRange(source: ByteSource, offset: number, length: number, mutable = false): PickleBytesRange {
  return Object.freeze({
    kind: 'bytes-range' as const,
    offset,
    length,
    source,
    mutable,
    read(): Uint8Array {
      const bytes = source.read(offset, length);
      return source.fresh === true ? bytes : bytes.slice();
    },
  });
}

/** Returns true when `value` is a {@link PickleBytesRange}. */
export function isBytesRange(value: unknown): value is PickleBytesRange {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'bytes-range';
}

/**
 * Returns the bytes of a decoded `bytes`/`bytearray` value: the array itself, or the payload of a
 * lazy {@link PickleBytesRange} read now. Returns `undefined` for any other value.
 */
export function materializeBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (isBytesRange(value)) return value.read();
  return undefined;
}
