// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { isTaptrError, TaptrError } from './errors.js';
import { readNpy, readNpyHeader, writeNpy } from './npy.js';
import { shapeSize, tensor } from './tensor-view.js';
import { fuzzBytes } from './testing/fuzz.js';

function npyBytes(header: string, data: Uint8Array, major = 1): Uint8Array {
  const pre = major === 1 ? 10 : 12;
  let h = header;
  h += ' '.repeat((64 - ((pre + h.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(pre + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, h.length, true);
  else dv.setUint32(8, h.length, true);
  for (let i = 0; i < h.length; i++) out[pre + i] = h.charCodeAt(i);
  out.set(data, pre + h.length);
  return out;
}

describe('npy', () => {
  it('round-trips every dtype', () => {
    const cases = [
      tensor('float32', [2, 3], Float32Array.from([1, 2, 3, 4.5, -1, NaN])),
      tensor('float64', [3], Float64Array.from([1e-300, -Infinity, 0.1])),
      tensor('int64', [2], BigInt64Array.from([-5n, 1n << 40n])),
      tensor('bool', [4], Uint8Array.from([1, 0, 0, 1])),
      tensor('uint8', [1, 1, 2, 3], Uint8Array.from([0, 1, 2, 253, 254, 255])),
      tensor('int32', [], Int32Array.from([7])),
    ];
    for (const t of cases) {
      const back = readNpy(writeNpy(t));
      expect(back.type).toBe(t.type);
      expect(back.dims).toEqual(t.dims);
      expect(Array.from(back.data as ArrayLike<number>)).toEqual(Array.from(t.data as ArrayLike<number>));
    }
  });

  it('reads big-endian and Fortran-order data as C order', () => {
    const be = new Uint8Array(8);
    new DataView(be.buffer).setFloat32(0, 1.5, false);
    new DataView(be.buffer).setFloat32(4, -2, false);
    const t = readNpy(npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", be));
    expect(Array.from(t.data as Float32Array)).toEqual([1.5, -2]);
    // Fortran [2,3]: memory holds column-major 0..5 => C order is [[0,2,4],[1,3,5]].
    const f = readNpy(npyBytes("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", Uint8Array.from([0, 1, 2, 3, 4, 5])));
    expect(Array.from(f.data as Uint8Array)).toEqual([0, 2, 4, 1, 3, 5]);
  });

  it('reads version 2.0 headers', () => {
    const t = readNpy(npyBytes("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", Uint8Array.from([3, 0, 0, 0]), 2));
    expect(Array.from(t.data as Int32Array)).toEqual([3]);
  });

  it('rejects bad files with TAPTR_NPY_FORMAT', () => {
    const good = writeNpy(tensor('float64', [4]));
    const bad = [
      new Uint8Array([1, 2, 3]),
      good.subarray(0, good.length - 1),
      npyBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8)),
    ];
    for (const bytes of bad) {
      let error: unknown;
      try {
        readNpy(bytes);
      } catch (e) {
        error = e;
      }
      expect(isTaptrError(error, 'TAPTR_NPY_FORMAT'), String(error)).toBe(true);
    }
    expect(readNpyHeader(good).shape).toEqual([4]);
  });

  it('names what is wrong: version, header dictionary, shape vs data length, bool values', () => {
    const header = (h: string, data = new Uint8Array(4), major = 1): Uint8Array => npyBytes(h, data, major);
    const message = (bytes: Uint8Array): string => {
      try {
        readNpy(bytes);
      } catch (error) {
        expect(isTaptrError(error, 'TAPTR_NPY_FORMAT'), String(error)).toBe(true);
        return (error as TaptrError).message;
      }
      throw new Error('readNpy accepted the bytes');
    };
    const good = writeNpy(tensor('float32', [2, 2], Float32Array.from([1, 2, 3, 4])));
    const v4 = good.slice();
    v4[6] = 4;
    expect(message(v4)).toBe('readNpy: unsupported format version 4.0 (1.0, 2.0 and 3.0 are read)');
    const longHeader = good.slice();
    new DataView(longHeader.buffer).setUint16(8, 60000, true);
    expect(message(longHeader)).toMatch(/^readNpy: truncated header: header length is 60000 bytes, the file has \d+ after the prefix$/);
    expect(message(good.subarray(0, good.length - 3))).toBe('readNpy: truncated data: shape (2, 2) of <f4 needs 16 bytes, the file has 13');
    const extra = new Uint8Array(good.length + 2);
    extra.set(good);
    expect(message(extra)).toBe('readNpy: data length mismatch: shape (2, 2) of <f4 needs 16 bytes, the file has 18 (2 trailing bytes)');
    expect(message(header("{'descr': '<u1', 'fortran_order': False, }"))).toMatch(/^readNpy: malformed header \(missing 'shape'\)/);
    expect(message(header("{'descr': '<u1', 'fortran_order': False, 'shape': (2, -2), }"))).toMatch(
      /'shape' must be a tuple of non-negative integers, got \(2, -2\)/,
    );
    expect(message(header("{'descr': '<u1', 'fortran_order': False, 'shape': (0x4,), }"))).toMatch(/'shape' must be a tuple of non-negative integers/);
    expect(message(header("{'descr': '<u1', 'fortran_order': False, 'shape': (4,), 'shape': (4,)}"))).toMatch(/key 'shape' given twice/);
    expect(message(header("{'descr': '<u1', 'fortran_order': Maybe, 'shape': (4,)}"))).toMatch(/'fortran_order' must be True or False/);
    expect(message(header("{'descr': '<u1', 'fortran_order': False, 'shape': (4,), 'x': 1}"))).toMatch(/unexpected key 'x'/);
    expect(message(header("{'descr': '<u1', 'fortran_order': False, 'shape': (4,)} junk"))).toMatch(/text after the dictionary/);
    expect(message(header("{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }", Uint8Array.from([0, 1, 2, 1])))).toBe(
      'readNpy: bool element 2 is 2, must be 0 or 1',
    );
    expect(message(header("{'descr': '<toString', 'fortran_order': False, 'shape': (4,), }"))).toBe("readNpy: unsupported dtype '<toString'");
    // Python 2 long suffixes and version 3.0 (UTF-8) headers are read.
    expect(readNpy(header("{'descr': '<u1', 'fortran_order': False, 'shape': (2L, 2L), }")).dims).toEqual([2, 2]);
    expect(readNpy(header("{'descr': '<u1', 'fortran_order': False, 'shape': (4,), }", new Uint8Array(4), 3)).dims).toEqual([4]);
  });

  it('survives thousands of seeded mutations: every case is a TAPTR_NPY_FORMAT or a well-formed array', async () => {
    const input = writeNpy(
      tensor(
        'float32',
        [3, 4],
        Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 2),
      ),
    );
    const dataOffset = readNpyHeader(input).dataOffset;
    const report = await fuzzBytes({
      input,
      seed: 0x6e7079,
      minCases: 3000,
      budgetMs: 3000,
      hotRanges: [
        [0, 12],
        [10, dataOffset],
      ],
      read: (bytes) => readNpy(bytes),
      onAccept: (view) => {
        if (!view.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`bad dims ${view.dims.join(',')}`);
        if (view.data.length !== shapeSize(view.dims)) throw new Error(`data has ${view.data.length} elements for shape ${view.dims.join(',')}`);
        if (view.type === 'bool' && (view.data as Uint8Array).some((b) => b > 1)) throw new Error('bool element > 1');
      },
    });
    expect(report.failures, report.summary).toEqual([]);
    expect(report.cases).toBeGreaterThanOrEqual(3000);
    expect(report.rejected['TAPTR_NPY_FORMAT'] ?? 0, report.summary).toBeGreaterThan(report.cases / 2);
  });
});
