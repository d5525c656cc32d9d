// SPDX-License-Identifier: Apache-2.0
import type { ByteSource } from './byte-source.js';

/** Sequential little-endian reader over a {@link ByteSource}, buffered in chunks. @internal */
export interface Cursor {
  position(): number;
  remaining(): number;
  /** The next `n` bytes as a view valid until the next read (copy it to keep it). */
  take(n: number): Uint8Array;
  skip(n: number): void;
  u8(): number;
  u16(): number;
  u32(): number;
  i32(): number;
  u64(): bigint;
  f64be(): number;
  /** n-byte little-endian two's complement integer. */
  signedLE(n: number): bigint;
  /** Bytes up to the next `\n` as latin-1/ASCII text (without it), or undefined when none is left. */
  line(): string | undefined;
}

/** Error raised when the input ends inside an opcode's argument. @internal */
class TruncatedInputError extends Error {
  constructor(needed: number, at: number, left: number) {
    super(`truncated input: needed ${needed} bytes at byte ${at}, ${left} left`);
    this.name = 'TruncatedInputError';
  }
}

/**
 * Creates a {@link Cursor}. Requests up to `chunkSize` bytes are served from a chunk read ahead
 * from the source; larger ones are read directly.
 */
export function createCursor(source: ByteSource, chunkSize: number): Cursor {
  const size = source.size;
  let pos = 0;
  let chunk: Uint8Array = new Uint8Array(0);
  let chunkView = new DataView(chunk.buffer);
  let chunkStart = 0;

  /** Index in `chunk` of the next `n` bytes (refilled when needed; `n` small). Fixed-size reads index the chunk directly: no view per read. */
  const fill = (n: number): number => {
    if (n > size - pos) throw new TruncatedInputError(n, pos, size - pos);
    const rel = pos - chunkStart;
    if (rel >= 0 && rel + n <= chunk.length) return rel;
    chunkStart = pos;
    chunk = source.read(pos, Math.min(Math.max(chunkSize, n), size - pos));
    chunkView = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    return 0;
  };
  const take = (n: number): Uint8Array => {
    if (n > size - pos) throw new TruncatedInputError(n, pos, size - pos);
    const rel = pos - chunkStart;
    let view: Uint8Array;
    if (rel >= 0 && rel + n <= chunk.length) {
      view = chunk.subarray(rel, rel + n);
    } else if (n >= chunkSize) {
      view = source.read(pos, n);
    } else {
      const at = fill(n); // (refills `chunk`: read it after)
      view = chunk.subarray(at, at + n);
    }
    pos += n;
    return view;
  };
  const fixed = (n: number): number => {
    const rel = fill(n);
    pos += n;
    return rel;
  };

  return {
    position: () => pos,
    remaining: () => size - pos,
    take,
    skip(n: number): void {
      if (n > size - pos) throw new TruncatedInputError(n, pos, size - pos);
      pos += n;
    },
    // (`fixed` may refill the chunk: call it before reading `chunk` / `chunkView`.)
    u8(): number {
      const at = fixed(1);
      return chunk[at]!;
    },
    u16(): number {
      const at = fixed(2);
      return chunkView.getUint16(at, true);
    },
    u32(): number {
      const at = fixed(4);
      return chunkView.getUint32(at, true);
    },
    i32(): number {
      const at = fixed(4);
      return chunkView.getInt32(at, true);
    },
    u64(): bigint {
      const at = fixed(8);
      return chunkView.getBigUint64(at, true);
    },
    f64be(): number {
      const at = fixed(8);
      return chunkView.getFloat64(at, false);
    },
    signedLE(n: number): bigint {
      if (n === 0) return 0n;
      const bytes = take(n);
      let value = 0n;
      for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
      if (bytes[n - 1]! & 0x80) value -= 1n << BigInt(8 * n);
      return value;
    },
    line(): string | undefined {
      let text = '';
      for (;;) {
        if (pos >= size) return undefined;
        const at = fixed(1);
        const c = chunk[at]!;
        if (c === 0x0a) return text;
        text += String.fromCharCode(c);
        if (text.length > 4096) return undefined;
      }
    },
  };
}
