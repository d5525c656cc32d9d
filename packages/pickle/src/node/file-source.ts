// SPDX-License-Identifier: Apache-2.0
import { fstatSync, readSync } from 'node:fs';
import { invalidArgument, describeValue, TaptrError } from '@taptr/tensor';
import { checkRange, type ByteSource } from '../byte-source.js';

/**
 * A {@link ByteSource} over an open Node file descriptor. Every `read` returns a fresh buffer read
 * with `fs.readSync` at the requested offset, so the file is never loaded whole. The caller owns
 * the descriptor and must keep it open while the source (or any lazy byte range of it) is used.
 * @param fd - an open file descriptor (`fs.openSync(path, 'r')`).
 * @param size - the file size in bytes; defaults to `fstat(fd).size`.
 */
export function fileSource(fd: number, size?: number): ByteSource {
  if (!Number.isInteger(fd) || fd < 0) throw invalidArgument('type', 'fileSource', 'fd', 'an open file descriptor', describeValue(fd));
  const total = size ?? fstatSync(fd).size;
  return {
    size: total,
    fresh: true,
    read(offset: number, length: number): Uint8Array {
      checkRange('fileSource.read', offset, length, total);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, offset + done);
        if (n <= 0) throw new TaptrError('TAPTR_IO', `fileSource.read: unexpected end of file at byte ${offset + done} (expected ${total} bytes)`);
        done += n;
      }
      return out;
    },
  };
}
