// SPDX-License-Identifier: Apache-2.0
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bytes, op } from '../../test/pickle-builder.js';
import { isBytesRange } from '../bytes-range.js';
import { unpickle } from '../unpickle.js';
import { fileSource } from './file-source.js';

describe('fileSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'taptr-pickle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a pickle by offsets in 7-byte chunks, with lazy payload ranges, like the in-memory path', () => {
    const payload = Array.from({ length: 300 }, (_, i) => (i * 31) & 0xff);
    const data = bytes(
      op.proto(4),
      op.emptyDict,
      op.mark,
      op.shortUnicode('name'),
      op.binUnicode('clip'),
      op.shortUnicode('payload'),
      op.binBytes(payload),
      op.setItems,
      op.stop,
    );
    const path = join(dir, 'a.pkl');
    writeFileSync(path, data);
    const fd = openSync(path, 'r');
    try {
      const source = fileSource(fd);
      expect(source.size).toBe(data.length);
      const fromFile = unpickle(source, { globals: {}, chunkSize: 7, lazyThreshold: 100 }) as Map<string, unknown>;
      const fromMemory = unpickle(data, { globals: {} }) as Map<string, unknown>;
      expect(fromFile.get('name')).toBe('clip');
      const range = fromFile.get('payload');
      expect(isBytesRange(range)).toBe(true);
      expect((range as { read(): Uint8Array }).read()).toEqual(fromMemory.get('payload'));
      expect(() => source.read(data.length - 1, 2)).toThrow(RangeError);
    } finally {
      closeSync(fd);
    }
  });

  it('rejects a bad descriptor', () => {
    expect(() => fileSource(-1)).toThrow(TypeError);
  });
});
