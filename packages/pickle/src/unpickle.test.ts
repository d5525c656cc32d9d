// SPDX-License-Identifier: Apache-2.0
import { isTaptrError, TaptrError } from '@taptr/tensor';
import { describe, expect, it } from 'vitest';
import { bytes, op } from '../test/pickle-builder.js';
import { memorySource } from './byte-source.js';
import { isBytesRange } from './bytes-range.js';
import { isGlobalRef, isTuple } from './globals.js';
import { unpickle } from './unpickle.js';

function expectPickleError(fn: () => unknown, code: 'TAPTR_PICKLE_FORMAT' | 'TAPTR_PICKLE_FORBIDDEN', pattern?: RegExp): TaptrError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a TaptrError').toBeInstanceOf(TaptrError);
  const error = caught as TaptrError;
  expect(error.code, error.message).toBe(code);
  if (pattern) expect(error.message).toMatch(pattern);
  return error;
}

// {'ints': [1, 300, -2, 70000, 2**40, -(2**70)], 'float': -1.5, 'flags': (True, False, None),
//  'text': 'héllo', 'data': b'xy', 'same': <memo ref to ints>} written as protocol 2.
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
  op.binInt(70000),
  op.long1(2n ** 40n, 6),
  op.long1(-(2n ** 70n), 9),
  op.appends,
  op.binUnicode('float'),
  op.binFloat(-1.5),
  op.binUnicode('flags'),
  op.newTrue,
  op.newFalse,
  op.none,
  op.tuple3,
  op.binUnicode('text'),
  op.binUnicode('héllo'),
  op.binUnicode('data'),
  op.shortBinBytes([0x78, 0x79]),
  op.binUnicode('same'),
  op.binGet(2),
  op.setItems,
  op.stop,
);

describe('unpickle: values', () => {
  it('maps Python values to JS values', () => {
    const value = unpickle(SCALARS, { globals: {} }) as Map<string, unknown>;
    expect(value).toBeInstanceOf(Map);
    expect([...value.keys()]).toEqual(['ints', 'float', 'flags', 'text', 'data', 'same']);
    expect(value.get('ints')).toEqual([1, 300, -2, 70000, 2 ** 40, -(2n ** 70n)]);
    expect(value.get('float')).toBe(-1.5);
    expect(value.get('flags')).toEqual([true, false, null]);
    expect(isTuple(value.get('flags'))).toBe(true);
    expect(isTuple(value.get('ints'))).toBe(false);
    expect(value.get('text')).toBe('héllo');
    expect(value.get('data')).toEqual(Uint8Array.from([0x78, 0x79]));
    expect(value.get('same')).toBe(value.get('ints'));
  });

  it('gives identical results through a 7-byte chunked source', () => {
    const whole = unpickle(SCALARS, { globals: {} });
    const chunked = unpickle(memorySource(SCALARS), { globals: {}, chunkSize: 7 });
    expect(chunked).toEqual(whole);
  });

  it('handles protocol 4 framing, MEMOIZE, STACK_GLOBAL-free containers, sets and small opcodes', () => {
    const data = bytes(
      op.proto(4),
      op.frame(40),
      op.emptyList,
      op.memoize,
      op.shortUnicode('a'),
      op.memoize,
      op.append,
      op.emptySet,
      op.memoize,
      op.mark,
      op.binInt1(3),
      op.binInt1(4),
      op.addItems,
      op.append,
      op.mark,
      op.binInt1(5),
      op.frozenSet,
      op.append,
      op.emptyTuple,
      op.append,
      op.binUnicode8('long'),
      op.dup,
      op.pop,
      op.append,
      op.mark,
      op.binInt1(9),
      op.popMark,
      op.binGet(1),
      op.append,
      op.stop,
    );
    const value = unpickle(data, { globals: {} }) as unknown[];
    expect(value[0]).toBe('a');
    expect(value[1]).toEqual(new Set([3, 4]));
    expect(value[2]).toEqual(new Set([5]));
    expect(value[3]).toEqual([]);
    expect(isTuple(value[3])).toBe(true);
    expect(value[4]).toBe('long');
    expect(value[5]).toBe('a');
    expect(value).toHaveLength(6);
  });

  it('returns large bytes as lazy ranges that read the same bytes', () => {
    const payload = Array.from({ length: 100 }, (_, i) => (i * 7) & 0xff);
    const data = bytes(op.proto(4), op.emptyList, op.binBytes(payload), op.append, op.byteArray8([1, 2, 3]), op.append, op.binBytes8([4]), op.append, op.stop);
    const eager = unpickle(data, { globals: {} }) as unknown[];
    expect(eager[0]).toEqual(Uint8Array.from(payload));
    const lazy = unpickle(memorySource(data), { globals: {}, lazyThreshold: 50, chunkSize: 7 }) as unknown[];
    expect(isBytesRange(lazy[0])).toBe(true);
    const range = lazy[0] as { read(): Uint8Array; length: number; offset: number };
    expect(range.length).toBe(100);
    expect(range.read()).toEqual(Uint8Array.from(payload));
    expect(lazy[1]).toEqual(Uint8Array.from([1, 2, 3]));
    expect(lazy[2]).toEqual(Uint8Array.from([4]));
  });
});

describe('unpickle: globals', () => {
  it('calls whitelisted handlers for REDUCE, NEWOBJ and BUILD (memo references follow the replacement)', () => {
    const data = bytes(
      op.proto(2),
      op.emptyList,
      op.binPut(0),
      op.global('collections', 'OrderedDict'),
      op.binPut(1),
      op.emptyTuple,
      op.reduce,
      op.binPut(2),
      op.mark,
      op.binUnicode('k'),
      op.binInt1(1),
      op.setItems,
      op.emptyDict,
      op.binUnicode('_metadata'),
      op.binInt1(7),
      op.setItem,
      op.build,
      op.append,
      op.binGet(2),
      op.append,
      op.global('argparse', 'Namespace'),
      op.emptyTuple,
      op.newObj,
      op.binPut(3),
      op.emptyDict,
      op.binUnicode('lr'),
      op.binFloat(0.5),
      op.setItem,
      op.build,
      op.append,
      op.binGet(3),
      op.append,
      op.stop,
    );
    const states: unknown[] = [];
    const value = unpickle(data, {
      globals: {
        'collections OrderedDict': {
          call: () => new Map(),
          build: (target, state) => void states.push([target, state]),
        },
        'argparse Namespace': {
          newObject: () => ({ ns: true }),
          build: (_target, state) => Object.fromEntries(state as Map<string, unknown>),
        },
      },
    }) as unknown[];
    expect(value[0]).toEqual(new Map([['k', 1]]));
    expect(value[1]).toBe(value[0]);
    expect(states).toEqual([[new Map([['k', 1]]), new Map([['_metadata', 7]])]]);
    expect(value[2]).toEqual({ lr: 0.5 });
    expect(value[3]).toBe(value[2]);
  });

  it('passes global references and persistent ids (torch.save layout)', () => {
    // ('storage', torch.FloatStorage, '0', 'cpu', 6) as a BINPERSID, then _rebuild_tensor_v2(storage, 0, (2, 3), (3, 1), False, OrderedDict())
    const data = bytes(
      op.proto(2),
      op.global('torch._utils', '_rebuild_tensor_v2'),
      op.longBinPut(0),
      op.mark,
      op.mark,
      op.binUnicode('storage'),
      op.global('torch', 'FloatStorage'),
      op.binUnicode('0'),
      op.binUnicode('cpu'),
      op.binInt1(6),
      op.tuple,
      op.binPersId,
      op.binInt1(0),
      op.binInt1(2),
      op.binInt1(3),
      op.tuple2,
      op.binInt1(3),
      op.binInt1(1),
      op.tuple2,
      op.newFalse,
      op.global('collections', 'OrderedDict'),
      op.emptyTuple,
      op.reduce,
      op.tuple,
      op.reduce,
      op.stop,
    );
    const pids: unknown[] = [];
    const value = unpickle(data, {
      globals: {
        'torch._utils _rebuild_tensor_v2': (args) => ({ rebuilt: args }),
        'torch FloatStorage': {},
        'collections OrderedDict': () => new Map(),
      },
      persistentLoad: (pid) => {
        pids.push(pid);
        return { storage: (pid as unknown[])[2] };
      },
    }) as { rebuilt: unknown[] };
    expect(pids).toHaveLength(1);
    const pid = pids[0] as unknown[];
    expect(pid[0]).toBe('storage');
    expect(isGlobalRef(pid[1], 'torch', 'FloatStorage')).toBe(true);
    expect(value.rebuilt).toEqual([{ storage: '0' }, 0, [2, 3], [3, 1], false, new Map()]);
  });

  it('refuses a global outside the whitelist before anything is called (os.system)', () => {
    let called = false;
    const data = bytes(op.proto(2), op.global('os', 'system'), op.binUnicode('echo pwned'), op.tuple1, op.reduce, op.stop);
    expectPickleError(
      () => unpickle(data, { globals: { 'os getcwd': () => (called = true) } }),
      'TAPTR_PICKLE_FORBIDDEN',
      /'os\.system' is not in the whitelist.*GLOBAL \(0x63\) at byte 2/,
    );
    expect(called).toBe(false);
  });

  it('refuses STACK_GLOBAL builtins.eval and non-string global names', () => {
    const data = bytes(
      op.proto(4),
      op.shortUnicode('builtins'),
      op.shortUnicode('eval'),
      op.stackGlobal,
      op.shortUnicode('1+1'),
      op.tuple1,
      op.reduce,
      op.stop,
    );
    expectPickleError(() => unpickle(data, { globals: {} }), 'TAPTR_PICKLE_FORBIDDEN', /builtins\.eval.*STACK_GLOBAL/);
    const bad = bytes(op.proto(4), op.binInt1(1), op.shortUnicode('eval'), op.stackGlobal, op.stop);
    expectPickleError(() => unpickle(bad, { globals: {} }), 'TAPTR_PICKLE_FORMAT', /must be strings/);
  });

  it('does not resolve inherited object properties as globals', () => {
    const data = bytes(op.proto(2), op.global('constructor', 'x'), op.stop);
    expectPickleError(() => unpickle(data, { globals: {} }), 'TAPTR_PICKLE_FORBIDDEN');
    const proto = bytes(op.proto(2), op.global('__proto__', ''), op.stop);
    expectPickleError(() => unpickle(proto, { globals: {} }), 'TAPTR_PICKLE_FORBIDDEN');
  });

  it('refuses calls, instantiation and BUILD the whitelist does not allow', () => {
    const call = bytes(op.proto(2), op.global('numpy', 'ndarray'), op.emptyTuple, op.reduce, op.stop);
    expectPickleError(() => unpickle(call, { globals: { 'numpy ndarray': {} } }), 'TAPTR_PICKLE_FORBIDDEN', /may not be called/);
    const inst = bytes(op.proto(2), op.global('m', 'C'), op.emptyTuple, op.newObj, op.stop);
    expectPickleError(() => unpickle(inst, { globals: { 'm C': () => 1 } }), 'TAPTR_PICKLE_FORBIDDEN', /may not be instantiated/);
    const build = bytes(op.proto(2), op.emptyDict, op.emptyDict, op.build, op.stop);
    expectPickleError(() => unpickle(build, { globals: {} }), 'TAPTR_PICKLE_FORBIDDEN', /BUILD on Map/);
    const persid = bytes(op.proto(2), op.binInt1(1), op.binPersId, op.stop);
    expectPickleError(() => unpickle(persid, { globals: {} }), 'TAPTR_PICKLE_FORBIDDEN', /persistentLoad/);
    const reduceNonGlobal = bytes(op.proto(2), op.emptyList, op.emptyTuple, op.reduce, op.stop);
    expectPickleError(() => unpickle(reduceNonGlobal, { globals: {} }), 'TAPTR_PICKLE_FORMAT', /REDUCE on a non-global/);
  });

  it('wraps a handler failure as a format error naming the global', () => {
    const data = bytes(op.proto(2), op.global('m', 'f'), op.emptyTuple, op.reduce, op.stop);
    const error = expectPickleError(
      () =>
        unpickle(data, {
          globals: {
            'm f': () => {
              throw new Error('boom');
            },
          },
        }),
      'TAPTR_PICKLE_FORMAT',
      /m\.f\(\) failed: boom.*REDUCE/,
    );
    expect((error.cause as Error).message).toBe('boom');
  });
});

describe('unpickle: malformed input', () => {
  it('names an unknown opcode and its byte offset', () => {
    expectPickleError(() => unpickle(bytes(op.proto(2), op.none, 0xff), { globals: {} }), 'TAPTR_PICKLE_FORMAT', /unknown opcode 0xff at byte 3/);
    expectPickleError(() => unpickle(bytes(op.proto(2), 'P1\n.'), { globals: {} }), 'TAPTR_PICKLE_FORMAT', /unsupported opcode \(PERSID \(0x50\) at byte 2\)/);
    expectPickleError(() => unpickle(bytes(op.proto(2), 'I1\n.'), { globals: {} }), 'TAPTR_PICKLE_FORMAT', /INT \(0x49\)/);
  });

  it('rejects structural errors', () => {
    const cases: [Uint8Array, RegExp][] = [
      [bytes(op.proto(6), op.none, op.stop), /protocol 6/],
      [bytes(op.proto(2), op.stop), /stack underflow.*STOP/],
      [bytes(op.proto(2), op.tuple, op.stop), /no MARK/],
      [bytes(op.proto(2), op.binGet(3), op.stop), /memo index 3/],
      [bytes(op.proto(2), op.emptyList, op.binInt1(1), op.binInt1(2), op.setItem, op.stop), /cannot set items on/],
      [bytes(op.proto(2), op.emptyTuple, op.binInt1(1), op.append, op.stop), /cannot append/],
      [bytes(op.proto(2), op.emptyDict, op.mark, op.binInt1(1), op.setItems, op.stop), /odd number/],
      [bytes(op.proto(2), op.mark, op.none, op.stop), /open MARK/],
      [bytes(op.proto(2), 0x58, ...[2, 0, 0, 0], 0xc3, 0x28, op.stop), /invalid UTF-8/],
      [bytes(op.proto(2), op.none), /ended before STOP/],
      [bytes(op.proto(4), 0x8e, ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], op.stop), /exceeds/],
      [bytes(op.proto(2), 0x8b, ...[0xff, 0xff, 0xff, 0xff], op.stop), /negative LONG4/],
      [bytes(op.proto(2), 0x63, 'os'), /GLOBAL without newline/],
    ];
    for (const [data, pattern] of cases) expectPickleError(() => unpickle(data, { globals: {} }), 'TAPTR_PICKLE_FORMAT', pattern);
  });

  it('rejects every truncation of a valid pickle with a format error naming an opcode', () => {
    for (let cut = 0; cut < SCALARS.length; cut++) {
      expectPickleError(() => unpickle(SCALARS.subarray(0, cut), { globals: {} }), 'TAPTR_PICKLE_FORMAT', /(at byte \d+\))$/);
      expectPickleError(() => unpickle(memorySource(SCALARS.subarray(0, cut)), { globals: {}, chunkSize: 7 }), 'TAPTR_PICKLE_FORMAT');
    }
  });

  it('never fails with anything but a TaptrError on corrupted input', () => {
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    let failures = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const data = SCALARS.slice();
      const flips = 1 + Math.floor(random() * 3);
      for (let k = 0; k < flips; k++) data[Math.floor(random() * data.length)] = Math.floor(random() * 256);
      try {
        unpickle(data, { globals: {} });
      } catch (error) {
        failures++;
        if (!isTaptrError(error)) throw error;
      }
    }
    expect(failures).toBeGreaterThan(0);
  });

  it('validates its arguments', () => {
    expect(() => unpickle('x' as unknown as Uint8Array, { globals: {} })).toThrow(TypeError);
    expect(() => unpickle(SCALARS, {} as never)).toThrow(/options\.globals/);
    expect(() => unpickle(SCALARS, { globals: {}, chunkSize: 0 })).toThrow(RangeError);
  });
});
