// SPDX-License-Identifier: Apache-2.0
import { TaptrError, type TensorView } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { bytes, op, type Part } from '../test/pickle-builder.js';
import { memorySource } from './byte-source.js';
import { isNumpyArrayRef, materializeArray, numpyGlobals } from './numpy-globals.js';
import { unpickle } from './unpickle.js';

interface ArraySpec {
  typestr: string;
  byteorder: string;
  elsize?: number;
  shape: number[];
  fortran?: boolean;
  raw: number[];
  module?: string;
}

function shapeTuple(shape: number[]): Part[] {
  return [op.mark, ...shape.map((d) => op.binInt(d)), op.tuple];
}

function dtypeOps(typestr: string, byteorder: string, elsize = -1): Part[] {
  return [
    op.global('numpy', 'dtype'),
    op.binUnicode(typestr),
    op.newFalse,
    op.newTrue,
    op.tuple3,
    op.reduce,
    op.mark,
    op.binInt1(3),
    op.binUnicode(byteorder),
    op.none,
    op.none,
    op.none,
    op.binInt(elsize),
    op.binInt(-1),
    op.binInt1(0),
    op.tuple,
    op.build,
  ];
}

/** `numpy.core.multiarray._reconstruct` + BUILD, as NumPy writes with protocols 2-4. */
function reconstructPickle(spec: ArraySpec): Uint8Array {
  return bytes(
    op.proto(3),
    op.global(spec.module ?? 'numpy.core.multiarray', '_reconstruct'),
    op.global('numpy', 'ndarray'),
    op.binInt1(0),
    op.tuple1,
    op.shortBinBytes([0x62]),
    op.tuple3,
    op.reduce,
    op.mark,
    op.binInt1(1),
    ...shapeTuple(spec.shape),
    ...dtypeOps(spec.typestr, spec.byteorder, spec.elsize),
    spec.fortran === true ? op.newTrue : op.newFalse,
    op.binBytes(spec.raw),
    op.tuple,
    op.build,
    op.stop,
  );
}

/** `numpy._core.numeric._frombuffer(bytearray, dtype, shape, order)`, as NumPy 2 writes with protocol 5. */
function frombufferPickle(spec: ArraySpec): Uint8Array {
  return bytes(
    op.proto(5),
    op.shortUnicode('numpy._core.numeric'),
    op.shortUnicode('_frombuffer'),
    op.stackGlobal,
    op.mark,
    op.byteArray8(spec.raw),
    ...dtypeOps(spec.typestr, spec.byteorder, spec.elsize),
    ...shapeTuple(spec.shape),
    op.shortUnicode(spec.fortran === true ? 'F' : 'C'),
    op.tuple,
    op.reduce,
    op.stop,
  );
}

function f64le(values: number[]): number[] {
  return [...new Uint8Array(Float64Array.from(values).buffer)];
}

describe('numpyGlobals', () => {
  const globals = numpyGlobals();

  it('decodes little-endian float64 through _reconstruct and _frombuffer (both module spellings)', () => {
    const spec: ArraySpec = { typestr: 'f8', byteorder: '<', shape: [2, 2], raw: f64le([1.5, -2, 0.1, 1e300]) };
    for (const data of [reconstructPickle(spec), reconstructPickle({ ...spec, module: 'numpy._core.multiarray' }), frombufferPickle(spec)]) {
      const array = unpickle(data, { globals }) as TensorView;
      expect(array.type).toBe('float64');
      expect(array.dims).toEqual([2, 2]);
      expect([...(array.data as Float64Array)]).toEqual([1.5, -2, 0.1, 1e300]);
    }
  });

  it('swaps big-endian payloads', () => {
    const array = unpickle(reconstructPickle({ typestr: 'f4', byteorder: '>', shape: [2], raw: [0x3f, 0x80, 0, 0, 0xc0, 0x20, 0, 0] }), {
      globals,
    }) as TensorView;
    expect(array.type).toBe('float32');
    expect([...(array.data as Float32Array)]).toEqual([1, -2.5]);
    const ints = unpickle(reconstructPickle({ typestr: 'i8', byteorder: '>', shape: [1], raw: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe] }), {
      globals,
    }) as TensorView;
    expect(ints.type).toBe('int64');
    expect([...(ints.data as BigInt64Array)]).toEqual([-2n]);
  });

  it('reorders Fortran-order payloads to C order', () => {
    // a = [[0, 1, 2], [3, 4, 5]] stored column-major: 0 3 1 4 2 5
    const array = unpickle(reconstructPickle({ typestr: 'u1', byteorder: '|', shape: [2, 3], fortran: true, raw: [0, 3, 1, 4, 2, 5] }), {
      globals,
    }) as TensorView;
    expect(array.type).toBe('uint8');
    expect([...(array.data as Uint8Array)]).toEqual([0, 1, 2, 3, 4, 5]);
    // 3-D, [2, 2, 2] with a[i,j,k] = 4i + 2j + k; Fortran order iterates i fastest.
    const raw: number[] = [];
    for (let k = 0; k < 2; k++) for (let j = 0; j < 2; j++) for (let i = 0; i < 2; i++) raw.push(4 * i + 2 * j + k);
    const cube = unpickle(frombufferPickle({ typestr: 'u1', byteorder: '|', shape: [2, 2, 2], fortran: true, raw }), { globals }) as TensorView;
    expect([...(cube.data as Uint8Array)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('decodes bool arrays as 0/1 bytes', () => {
    const array = unpickle(reconstructPickle({ typestr: 'b1', byteorder: '|', shape: [3], raw: [1, 0, 1] }), { globals }) as TensorView;
    expect(array.type).toBe('bool');
    expect([...(array.data as Uint8Array)]).toEqual([1, 0, 1]);
  });

  it('decodes S<n> arrays to items with trailing NULs stripped (inner NULs kept)', () => {
    const items = unpickle(reconstructPickle({ typestr: 'S3', byteorder: '|', elsize: 3, shape: [3], raw: [0x61, 0, 0, 0x62, 0, 0x63, 0, 0, 0] }), {
      globals,
    }) as Uint8Array[];
    expect(items.map((b) => [...b])).toEqual([[0x61], [0x62, 0, 0x63], []]);
  });

  it('decodes protocol 2 payloads written through _codecs.encode(str, "latin1")', () => {
    const data = bytes(
      op.proto(2),
      op.global('numpy.core.multiarray', '_reconstruct'),
      op.global('numpy', 'ndarray'),
      op.binInt1(0),
      op.tuple1,
      op.global('_codecs', 'encode'),
      op.binUnicode('b'),
      op.binUnicode('latin1'),
      op.tuple2,
      op.reduce,
      op.tuple3,
      op.reduce,
      op.mark,
      op.binInt1(1),
      ...shapeTuple([2]),
      ...dtypeOps('u1', '|'),
      op.newFalse,
      op.global('_codecs', 'encode'),
      op.binUnicode('\u00ff\u0001'),
      op.binUnicode('latin1'),
      op.tuple2,
      op.reduce,
      op.tuple,
      op.build,
      op.stop,
    );
    const array = unpickle(data, { globals }) as TensorView;
    expect([...(array.data as Uint8Array)]).toEqual([255, 1]);
    const utf = bytes(op.proto(2), op.global('_codecs', 'encode'), op.binUnicode('x'), op.binUnicode('utf-8'), op.tuple2, op.reduce, op.stop);
    expect(() => unpickle(utf, { globals })).toThrow(/latin1/);
  });

  it('returns object-dtype arrays as their list', () => {
    const data = bytes(
      op.proto(3),
      op.global('numpy.core.multiarray', '_reconstruct'),
      op.global('numpy', 'ndarray'),
      op.binInt1(0),
      op.tuple1,
      op.shortBinBytes([0x62]),
      op.tuple3,
      op.reduce,
      op.mark,
      op.binInt1(1),
      ...shapeTuple([2]),
      ...dtypeOps('O8', '|'),
      op.newFalse,
      op.emptyList,
      op.binInt1(4),
      op.append,
      op.binUnicode('x'),
      op.append,
      op.tuple,
      op.build,
      op.stop,
    );
    expect(unpickle(data, { globals })).toEqual([4, 'x']);
  });

  it('leaves large payloads in the source with lazy: true', () => {
    const values = Array.from({ length: 64 }, (_, i) => i / 3);
    const data = reconstructPickle({ typestr: 'f8', byteorder: '<', shape: [8, 8], raw: f64le(values) });
    const ref = unpickle(memorySource(data), { globals: numpyGlobals({ lazy: true }), lazyThreshold: 256, chunkSize: 7 });
    expect(isNumpyArrayRef(ref)).toBe(true);
    const array = materializeArray(ref) as TensorView;
    expect([...(array.data as Float64Array)]).toEqual(values);
    const eager = unpickle(memorySource(data), { globals, lazyThreshold: 256, chunkSize: 7 }) as TensorView;
    expect([...(eager.data as Float64Array)]).toEqual(values);
    expect(materializeArray(eager)).toBe(eager);
  });

  it('rejects unsupported dtypes, wrong payload sizes and misuse as format errors', () => {
    const cases: Uint8Array[] = [
      reconstructPickle({ typestr: 'f2', byteorder: '<', shape: [1], raw: [0, 0] }),
      reconstructPickle({ typestr: 'f4', byteorder: '<', shape: [2], raw: [0, 0, 0] }),
      reconstructPickle({ typestr: 'U4', byteorder: '<', shape: [1], raw: [0, 0, 0, 0] }),
      bytes(op.proto(2), op.global('numpy.core.multiarray', '_reconstruct'), op.binInt1(1), op.tuple1, op.reduce, op.stop),
      bytes(op.proto(2), op.global('numpy', 'dtype'), op.binInt1(1), op.tuple1, op.reduce, op.stop),
    ];
    for (const data of cases) {
      let caught: unknown;
      try {
        unpickle(data, { globals });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(TaptrError);
      expect((caught as TaptrError).code).toBe('TAPTR_PICKLE_FORMAT');
    }
  });

  it('refuses numpy globals outside the whitelist (numpy.core.multiarray.scalar)', () => {
    const data = bytes(op.proto(2), op.global('numpy.core.multiarray', 'scalar'), op.stop);
    expect(() => unpickle(data, { globals })).toThrow(/not in the whitelist/);
  });
});
