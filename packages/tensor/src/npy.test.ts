// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { isTaptrError } from './errors.js';
import { readNpy, readNpyHeader, writeNpy } from './npy.js';
import { tensor } from './tensor-view.js';

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
    const bad = [new Uint8Array([1, 2, 3]), good.subarray(0, good.length - 1), npyBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(8))];
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
});
