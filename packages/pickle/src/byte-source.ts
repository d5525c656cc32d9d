// SPDX-License-Identifier: Apache-2.0
import { invalidArgument, describeValue } from '@taptr/tensor';

/**
 * A random-access, synchronous source of bytes: an in-memory buffer, a file read by offsets, or
 * any other store. The unpickler reads it in chunks and never needs the whole input in one buffer.
 */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Returns `length` bytes starting at `offset` (`offset + length <= size`). The result may be a
   * view that the caller must not keep past the next call unless the source documents otherwise;
   * the sources of this package return views of immutable input (memory) or fresh buffers (files).
   */
  read(offset: number, length: number): Uint8Array;
  /**
   * True when every `read` returns a new buffer the caller may keep and modify (e.g. a file
   * source). Lets lazy payloads be handed over without another copy. Defaults to false.
   */
  readonly fresh?: boolean;
}

/** Wraps an in-memory buffer as a {@link ByteSource}. Reads are zero-copy views of `bytes`. */
export function memorySource(bytes: Uint8Array): ByteSource {
  if (!(bytes instanceof Uint8Array)) {
    throw invalidArgument('type', 'memorySource', 'bytes', 'a Uint8Array', describeValue(bytes));
  }
  return {
    size: bytes.length,
    read(offset: number, length: number): Uint8Array {
      checkRange('memorySource.read', offset, length, bytes.length);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** @internal Validates a read request against the size of a source. */
export function checkRange(fn: string, offset: number, length: number, size: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw invalidArgument('range', fn, 'offset/length', `a range inside [0, ${size}]`, `offset ${offset} length ${length}`);
  }
}
