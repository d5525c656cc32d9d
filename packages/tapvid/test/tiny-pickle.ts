// SPDX-License-Identifier: Apache-2.0
// A minimal pickle writer for tests (protocol 4 opcodes, no FRAME): builds small non-dataset or
// malformed-dataset pickles without Python.

/** A zero-filled NumPy array written the way NumPy pickles it (`_reconstruct` + BUILD). */
interface TinyArray {
  readonly kind: 'ndarray';
  /** NumPy typestr: 'u1', 'b1', 'f4', 'f8'. */
  readonly dtype: 'u1' | 'b1' | 'f4' | 'f8';
  readonly dims: readonly number[];
}

const ITEMSIZE = { u1: 1, b1: 1, f4: 4, f8: 8 } as const;

/**
 * Pickles `value`: Map (dict), Array (list), string, integer, boolean, null, Uint8Array (bytes)
 * and {@link TinyArray} (zero-filled NumPy array).
 */
export function tinyPickle(value: unknown): Uint8Array {
  const out: number[] = [0x80, 4];
  write(out, value);
  out.push(0x2e);
  return Uint8Array.from(out);
}

function u32(out: number[], n: number): void {
  out.push(n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255);
}

function str(out: number[], s: string): void {
  const bytes = new TextEncoder().encode(s);
  out.push(0x58);
  u32(out, bytes.length);
  out.push(...bytes);
}

function global(out: number[], module: string, name: string): void {
  str(out, module);
  str(out, name);
  out.push(0x93);
}

function write(out: number[], value: unknown): void {
  if (value === null) out.push(0x4e);
  else if (value === true) out.push(0x88);
  else if (value === false) out.push(0x89);
  else if (typeof value === 'number') {
    out.push(0x4a);
    u32(out, value);
  } else if (typeof value === 'string') str(out, value);
  else if (value instanceof Uint8Array) {
    out.push(0x42);
    u32(out, value.length);
    out.push(...value);
  } else if (value instanceof Map) {
    out.push(0x7d, 0x28);
    for (const [k, v] of value) {
      write(out, k);
      write(out, v);
    }
    out.push(0x75);
  } else if (Array.isArray(value)) {
    out.push(0x5d, 0x28);
    for (const v of value) write(out, v);
    out.push(0x65);
  } else if ((value as TinyArray).kind === 'ndarray') {
    const { dtype, dims } = value as TinyArray;
    global(out, 'numpy.core.multiarray', '_reconstruct');
    global(out, 'numpy', 'ndarray');
    out.push(0x4a);
    u32(out, 0);
    out.push(0x85); // (0,)
    out.push(0x43, 1, 0x62); // b'b'
    out.push(0x87, 0x52); // TUPLE3, REDUCE
    out.push(0x28); // state: (1, shape, dtype, False, raw)
    write(out, 1);
    out.push(0x28);
    for (const d of dims) write(out, d);
    out.push(0x74);
    global(out, 'numpy', 'dtype');
    str(out, dtype);
    out.push(0x89, 0x88, 0x87, 0x52); // (typestr, False, True) -> dtype
    out.push(0x28);
    for (const v of [3, ITEMSIZE[dtype] === 1 ? '|' : '<', null, null, null, -1, -1, 0]) write(out, v);
    out.push(0x74, 0x62); // dtype BUILD
    out.push(0x89);
    write(out, new Uint8Array(dims.reduce((a, b) => a * b, 1) * ITEMSIZE[dtype]));
    out.push(0x74, 0x62); // array BUILD
  } else {
    throw new Error(`tinyPickle: cannot write ${typeof value}`);
  }
}
