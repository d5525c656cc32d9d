// SPDX-License-Identifier: Apache-2.0
import { allocate, bytesPerElement, shapeSize, viewOf, type DType, type TensorView } from '@taptr/tensor';
import { isBytesRange, type PickleBytesRange } from './bytes-range.js';
import { isGlobalRef, type GlobalSpec } from './globals.js';

/**
 * A NumPy dtype as decoded from a pickle: the typestr given to `numpy.dtype(...)` plus the byte
 * order and item size of its BUILD state.
 */
export interface NumpyDType {
  readonly kind: 'numpy-dtype';
  /** Type code and size as pickled, e.g. `'f4'`, `'b1'`, `'u1'`, `'S1850'`, `'O8'`. */
  readonly typestr: string;
  /** `'<'` little-endian, `'>'` big-endian, `'|'` not applicable, `'='` native. */
  byteorder: string;
  /** Bytes per item. */
  itemsize: number;
}

/**
 * A decoded NumPy array: a {@link TensorView} (numeric and bool dtypes, C order), a flat C-order
 * array of `Uint8Array` items for `S<n>` dtypes (trailing NULs stripped, as NumPy does on item
 * access), or the flat list of items for the object dtype.
 */
export type NumpyArray = TensorView | Uint8Array[] | unknown[];

/**
 * A NumPy array whose payload was left in the source (a lazy {@link PickleBytesRange}); returned by
 * {@link numpyGlobals} with `lazy: true`. Call {@link NumpyArrayRef.load} (or
 * {@link materializeArray}) to read it.
 */
export interface NumpyArrayRef {
  readonly kind: 'numpy-array-ref';
  readonly dtype: NumpyDType;
  readonly dims: readonly number[];
  /** True when the payload is in Fortran (column-major) order. */
  readonly fortran: boolean;
  /** Where the payload lies. */
  readonly payload: PickleBytesRange;
  /** Reads and decodes the payload. */
  load(): NumpyArray;
}

/** Options of {@link numpyGlobals}. */
export interface NumpyGlobalsOptions {
  /**
   * When true, arrays whose payload is a lazy byte range are returned as {@link NumpyArrayRef}s
   * (nothing read); otherwise every array is decoded as it is built. Defaults to false.
   */
  readonly lazy?: boolean;
}

const NUMERIC: Readonly<Record<string, DType>> = {
  b1: 'bool',
  u1: 'uint8',
  i1: 'int8',
  u2: 'uint16',
  i2: 'int16',
  u4: 'uint32',
  i4: 'int32',
  u8: 'uint64',
  i8: 'int64',
  f4: 'float32',
  f8: 'float64',
};

interface Placeholder {
  readonly kind: 'numpy-array-placeholder';
}

/**
 * The whitelist needed to read NumPy arrays from pickles (TAP-Vid datasets), exactly as in
 * tapvid-spec §4: `numpy.core.multiarray._reconstruct` / `numpy._core.multiarray._reconstruct`,
 * `numpy.ndarray` (as argument only), `numpy.dtype`, `numpy.core.numeric._frombuffer` /
 * `numpy._core.numeric._frombuffer` (protocol 5) and `_codecs.encode` with latin-1 (protocol 2).
 * Pass it (possibly merged with others) as `unpickle(..., { globals })`.
 */
export function numpyGlobals(options: NumpyGlobalsOptions = {}): Record<string, GlobalSpec> {
  const lazy = options.lazy === true;
  const reconstruct: GlobalSpec = {
    call(args): Placeholder {
      if (args.length !== 3 || !isGlobalRef(args[0], 'numpy', 'ndarray')) {
        throw new TypeError(`_reconstruct expects (numpy.ndarray, shape, dtype char), got ${args.length} arguments`);
      }
      return { kind: 'numpy-array-placeholder' };
    },
    build(target, state): unknown {
      if ((target as Placeholder).kind !== 'numpy-array-placeholder') throw new TypeError('ndarray state applied twice');
      if (!Array.isArray(state) || state.length !== 5) throw new TypeError('ndarray state must be a 5-tuple (version, shape, dtype, is_fortran, raw)');
      const [, shape, dtype, fortran, raw] = state as unknown[];
      return makeArray(checkDims(shape), checkDType(dtype), fortran === true, raw, lazy);
    },
  };
  const frombuffer: GlobalSpec = {
    call(args): unknown {
      if (args.length !== 4) throw new TypeError(`_frombuffer expects (buffer, dtype, shape, order), got ${args.length} arguments`);
      const [buffer, dtype, shape, order] = args;
      if (order !== 'C' && order !== 'F') throw new TypeError(`_frombuffer order must be 'C' or 'F', got ${String(order)}`);
      return makeArray(checkDims(shape), checkDType(dtype), order === 'F', buffer, lazy);
    },
  };
  const dtype: GlobalSpec = {
    call(args): NumpyDType {
      const typestr = args[0];
      if (typeof typestr !== 'string' || !/^[a-zA-Z]\d*$/.test(typestr))
        throw new TypeError(`numpy.dtype expects a typestr such as 'f4', got ${String(typestr)}`);
      const size = /\d+$/.exec(typestr);
      return { kind: 'numpy-dtype', typestr, byteorder: '=', itemsize: size === null ? 0 : Number(size[0]) };
    },
    build(target, state): undefined {
      const dt = target as NumpyDType;
      if (!Array.isArray(state) || state.length < 8)
        throw new TypeError('dtype state must be an 8-tuple (version, byteorder, subarray, names, fields, elsize, alignment, flags)');
      const [, byteorder, subarray, names, fields, elsize] = state as unknown[];
      if (typeof byteorder !== 'string') throw new TypeError('dtype byteorder must be a str');
      if (subarray !== null || names !== null || fields !== null) throw new TypeError(`structured or subarray dtypes are not supported (${dt.typestr})`);
      dt.byteorder = byteorder;
      if (typeof elsize === 'number' && elsize > 0) dt.itemsize = elsize;
      return undefined;
    },
  };
  return {
    'numpy.core.multiarray _reconstruct': reconstruct,
    'numpy._core.multiarray _reconstruct': reconstruct,
    'numpy ndarray': {},
    'numpy dtype': dtype,
    'numpy.core.numeric _frombuffer': frombuffer,
    'numpy._core.numeric _frombuffer': frombuffer,
    '_codecs encode': { call: latin1Encode },
  };
}

/** Returns true when `value` is a lazy {@link NumpyArrayRef}. */
export function isNumpyArrayRef(value: unknown): value is NumpyArrayRef {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'numpy-array-ref';
}

/** Returns `value` decoded: loads a {@link NumpyArrayRef}, passes anything else through. */
export function materializeArray(value: unknown): unknown {
  return isNumpyArrayRef(value) ? value.load() : value;
}

function latin1Encode(args: readonly unknown[]): Uint8Array {
  const [text, encoding] = args;
  if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
    throw new TypeError(`_codecs.encode is only allowed as encode(str, 'latin1'), got encoding ${String(encoding)}`);
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new TypeError(`_codecs.encode: code point ${c} at ${i} is not latin-1`);
    out[i] = c;
  }
  return out;
}

function checkDims(shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new TypeError('array shape must be a tuple of non-negative ints');
  }
  return [...(shape as number[])];
}

function checkDType(dtype: unknown): NumpyDType {
  if (typeof dtype !== 'object' || dtype === null || (dtype as { kind?: unknown }).kind !== 'numpy-dtype') {
    throw new TypeError('array dtype must be a numpy.dtype');
  }
  return dtype as NumpyDType;
}

function makeArray(dims: number[], dtype: NumpyDType, fortran: boolean, raw: unknown, lazy: boolean): NumpyArray | NumpyArrayRef {
  if (dtype.typestr.startsWith('O')) {
    if (!Array.isArray(raw)) throw new TypeError('object array state must hold a list');
    if (raw.length !== shapeSize(dims)) throw new TypeError(`object array has ${raw.length} items for shape [${dims.join(', ')}]`);
    const items: unknown[] = raw;
    return [...items];
  }
  if (isBytesRange(raw)) {
    const payload = raw;
    checkPayloadSize(dims, dtype, payload.length);
    if (lazy) {
      return Object.freeze({
        kind: 'numpy-array-ref' as const,
        dtype,
        dims: Object.freeze(dims),
        fortran,
        payload,
        load: () => decodeArray(dims, dtype, fortran, payload.read(), true),
      });
    }
    return decodeArray(dims, dtype, fortran, payload.read(), true);
  }
  if (!(raw instanceof Uint8Array)) throw new TypeError(`array payload must be bytes, got ${typeof raw}`);
  return decodeArray(dims, dtype, fortran, raw, false);
}

function checkPayloadSize(dims: readonly number[], dtype: NumpyDType, length: number): void {
  const expected = shapeSize(dims) * itemSizeOf(dtype);
  if (length !== expected) {
    throw new TypeError(`array payload has ${length} bytes, expected ${expected} for ${dtype.typestr} [${dims.join(', ')}]`);
  }
}

function itemSizeOf(dtype: NumpyDType): number {
  const type = NUMERIC[dtype.typestr];
  if (type !== undefined) return bytesPerElement(type);
  if (dtype.typestr.startsWith('S')) return dtype.itemsize;
  throw new TypeError(`unsupported NumPy dtype '${dtype.byteorder}${dtype.typestr}'`);
}

/**
 * Decodes raw array bytes (C or Fortran order, any byte order) into a C-order array. With `owned`
 * (a buffer nobody else holds), little-endian C-order payloads are used in place without a copy.
 */
function decodeArray(dims: readonly number[], dtype: NumpyDType, fortran: boolean, raw: Uint8Array, owned: boolean): NumpyArray {
  checkPayloadSize(dims, dtype, raw.length);
  const itemsize = itemSizeOf(dtype);
  const bytes = fortran && dims.length > 1 ? fortranToC(raw, dims, itemsize) : raw;
  if (dtype.typestr.startsWith('S')) {
    const count = shapeSize(dims);
    const items = new Array<Uint8Array>(count);
    for (let i = 0; i < count; i++) {
      let end = (i + 1) * itemsize;
      while (end > i * itemsize && bytes[end - 1] === 0) end--;
      items[i] = bytes.slice(i * itemsize, end);
    }
    return items;
  }
  const type = NUMERIC[dtype.typestr]!;
  const swap = dtype.byteorder === '>' && itemsize > 1;
  if (owned && bytes === raw && !swap && raw.byteOffset % itemsize === 0) {
    const data = viewOf(type, raw.buffer, raw.byteOffset, shapeSize(dims));
    if (type === 'bool') for (let i = 0; i < raw.length; i++) raw[i] = raw[i] === 0 ? 0 : 1;
    return { type, dims: Object.freeze([...dims]), data };
  }
  const data = allocate(type, shapeSize(dims));
  const out = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (swap) {
    for (let i = 0; i < out.length; i += itemsize) {
      for (let k = 0; k < itemsize; k++) out[i + k] = bytes[i + itemsize - 1 - k]!;
    }
  } else {
    out.set(bytes);
  }
  if (type === 'bool') for (let i = 0; i < out.length; i++) out[i] = out[i] === 0 ? 0 : 1;
  return { type, dims: Object.freeze([...dims]), data };
}

/** Reorders Fortran-order items to C order. */
function fortranToC(raw: Uint8Array, dims: readonly number[], itemsize: number): Uint8Array {
  const n = dims.length;
  const count = shapeSize(dims);
  const out = new Uint8Array(raw.length);
  // Fortran strides (in items): first axis fastest.
  const fstride = new Array<number>(n);
  let s = 1;
  for (let i = 0; i < n; i++) {
    fstride[i] = s;
    s *= dims[i]!;
  }
  const index = new Array<number>(n).fill(0);
  let src = 0;
  for (let c = 0; c < count; c++) {
    out.set(raw.subarray(src * itemsize, (src + 1) * itemsize), c * itemsize);
    // Advance the C-order multi-index (last axis fastest) and the Fortran offset with it.
    for (let axis = n - 1; axis >= 0; axis--) {
      index[axis]!++;
      src += fstride[axis]!;
      if (index[axis]! < dims[axis]!) break;
      src -= fstride[axis]! * dims[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}
