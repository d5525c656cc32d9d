// SPDX-License-Identifier: Apache-2.0
// Seeded mutations of a few pickles (plain values, NumPy arrays as TAP-Vid and NumPy 2 write them):
// every case must end in a typed TAPTR_PICKLE_* error or a value whose arrays are consistent, never
// an engine error, whether thrown or wrapped by the unpickler's catch-all.
import { shapeSize, type TensorView } from '@taptr/tensor';
import { fuzzBytes, type FuzzCase } from '@taptr/tensor/testing';
import { describe, expect, it } from 'vitest';
import { bytes, op, type Part } from '../test/pickle-builder.js';
import { memorySource } from './byte-source.js';
import { isBytesRange } from './bytes-range.js';
import { materializeArray, numpyGlobals } from './numpy-globals.js';
import { unpickle } from './unpickle.js';

// {'ints': [1, 300, -2, 2**40], 'f': -1.5, 'flags': (True, None), 'text': 'héllo', 'data': b'xy', 'same': <memo>}
const SCALARS = bytes(
  op.proto(2),
  op.emptyDict,
  op.binPut(0),
  op.mark,
  op.binUnicode('ints'),
  op.binPut(1),
  op.emptyList,
  op.binPut(2),
  op.mark,
  op.binInt1(1),
  op.binInt2(300),
  op.binInt(-2),
  op.long1(2n ** 40n, 6),
  op.appends,
  op.binUnicode('f'),
  op.binFloat(-1.5),
  op.binUnicode('flags'),
  op.newTrue,
  op.none,
  op.tuple2,
  op.binUnicode('text'),
  op.shortUnicode('héllo'),
  op.binUnicode('data'),
  op.shortBinBytes([0x78, 0x79]),
  op.binUnicode('same'),
  op.binGet(2),
  op.emptySet,
  op.mark,
  op.binInt1(7),
  op.addItems,
  op.pop,
  op.setItems,
  op.stop,
);

const dtype = (typestr: string, byteorder: string): Part[] => [
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
  op.binInt(-1),
  op.binInt(-1),
  op.binInt1(0),
  op.tuple,
  op.build,
];
const shape = (dims: number[]): Part[] => [op.mark, ...dims.map((d) => op.binInt(d)), op.tuple];
/** `_reconstruct` + BUILD (protocol 2/3, TAP-Vid's pickles). */
const reconstruct = (typestr: string, byteorder: string, dims: number[], raw: number[], fortran = false): Part[] => [
  op.global('numpy.core.multiarray', '_reconstruct'),
  op.global('numpy', 'ndarray'),
  op.binInt1(0),
  op.tuple1,
  op.shortBinBytes([0x62]),
  op.tuple3,
  op.reduce,
  op.mark,
  op.binInt1(1),
  ...shape(dims),
  ...dtype(typestr, byteorder),
  fortran ? op.newTrue : op.newFalse,
  op.binBytes(raw),
  op.tuple,
  op.build,
];
const f32 = (values: number[]): number[] => [...new Uint8Array(Float32Array.from(values).buffer)];

// A TAP-Vid-like entry: {'video': uint8 [2, 2, 2, 3], 'points': f4 [2, 2, 2] Fortran, 'occluded': b1 [2, 2], 'name': S5}
const TAPVID_LIKE = bytes(
  op.proto(3),
  op.emptyDict,
  op.binPut(0),
  op.mark,
  op.binUnicode('video'),
  ...reconstruct(
    'u1',
    '|',
    [2, 2, 2, 3],
    Array.from({ length: 24 }, (_, i) => i * 10),
  ),
  op.binUnicode('points'),
  ...reconstruct('f4', '<', [2, 2, 2], f32([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5]), true),
  op.binUnicode('occluded'),
  ...reconstruct('b1', '|', [2, 2], [0, 1, 2, 0]),
  op.binUnicode('name'),
  ...reconstruct('S5', '|', [1], [0x62, 0x65, 0x61, 0x72, 0]),
  op.setItems,
  op.stop,
);

// NumPy 2, protocol 5: a framed dict {'a': _frombuffer(bytearray, >f8, (3,), 'C')}
const FRAMED_BODY = bytes(
  op.emptyDict,
  op.memoize,
  op.shortUnicode('a'),
  op.memoize,
  op.shortUnicode('numpy._core.numeric'),
  op.shortUnicode('_frombuffer'),
  op.stackGlobal,
  op.mark,
  op.byteArray8(Array.from({ length: 24 }, (_, i) => (i % 8 === 0 ? 0x40 : 0))),
  ...dtype('f8', '>'),
  ...shape([3]),
  op.shortUnicode('C'),
  op.tuple,
  op.reduce,
  op.setItem,
  op.stop,
);
const FRAMED = bytes(op.proto(5), op.frame(FRAMED_BODY.length), FRAMED_BODY);

/** Unpickles, loads lazy arrays (a typed error wrapping an engine error counts as a crash: classifyFuzzError). */
function readPickle(data: Uint8Array, fuzzCase: FuzzCase): unknown {
  const lazy = fuzzCase.index % 2 === 1;
  const source = lazy ? memorySource(data) : data;
  const value = unpickle(source, lazy ? { globals: numpyGlobals({ lazy: true }), lazyThreshold: 4, chunkSize: 7 } : { globals: numpyGlobals() });
  return value instanceof Map ? new Map([...value].map(([k, v]) => [k, materializeArray(v)])) : value;
}

/** An accepted value must be consistent: every array's data holds exactly its shape's elements. */
function checkValue(value: unknown, depth = 0): void {
  if (depth > 64 || typeof value !== 'object' || value === null || isBytesRange(value)) return;
  if (value instanceof Map) {
    for (const [k, v] of value) {
      checkValue(k, depth + 1);
      checkValue(v, depth + 1);
    }
  } else if (value instanceof Set || Array.isArray(value)) for (const v of value) checkValue(v, depth + 1);
  else if ('dims' in value && 'data' in value) {
    const t = value as TensorView;
    if (t.data.length !== shapeSize(t.dims)) throw new Error(`array [${t.dims.join(', ')}] has ${t.data.length} elements`);
  }
}

describe('unpickle: fuzzed pickles', () => {
  it('reads the three seeds as expected (so mutations start from valid pickles)', () => {
    const plain = unpickle(SCALARS, { globals: {} }) as Map<string, unknown>;
    expect(plain.get('same')).toBe(plain.get('ints'));
    const tapvid = readPickle(TAPVID_LIKE, { index: 0, mutation: '', bytes: TAPVID_LIKE }) as Map<string, TensorView>;
    expect(Array.from(tapvid.get('points')!.data as Float32Array)).toEqual([0.5, 4.5, 2.5, 6.5, 1.5, 5.5, 3.5, 7.5]);
    expect(Array.from(tapvid.get('occluded')!.data as Uint8Array)).toEqual([0, 1, 1, 0]);
    const framed = readPickle(FRAMED, { index: 1, mutation: '', bytes: FRAMED }) as Map<string, TensorView>;
    expect(Array.from(framed.get('a')!.data as Float64Array)).toEqual([2, 2, 2]);
  });

  it.each([
    ['plain values (protocol 2)', SCALARS, 1],
    ['NumPy arrays as TAP-Vid writes them (protocol 3)', TAPVID_LIKE, 2],
    ['NumPy 2 framed _frombuffer (protocol 5)', FRAMED, 3],
  ])(
    '%s: every mutation is a typed error or a consistent value',
    async (_, input, seed) => {
      const report = await fuzzBytes({ input, seed, minCases: 3000, budgetMs: 2000, read: readPickle, onAccept: (value) => checkValue(value) });
      expect(report.failures, report.summary).toEqual([]);
      expect(report.cases).toBeGreaterThanOrEqual(3000);
      expect(report.rejected['TAPTR_PICKLE_FORMAT'], report.summary).toBeGreaterThan(0);
    },
    60_000,
  );
});
