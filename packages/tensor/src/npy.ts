// SPDX-License-Identifier: Apache-2.0
// NumPy .npy format (versions 1.0, 2.0, 3.0): https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
// Written here rather than taken from npyjs because that library maps bool to a JS Array,
// ignores byte order and does not validate the data length; readers must fail clearly.
import { allocate, bytesPerElement, type DType, viewOf } from './dtype.js';
import { TaptrError } from './errors.js';
import { shapeSize, type TensorView } from './tensor-view.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR_TO_DTYPE: Record<string, DType> = {
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  b1: 'bool',
};

const DTYPE_TO_DESCR: Record<DType, string> = {
  float32: '<f4',
  float64: '<f8',
  int8: '|i1',
  uint8: '|u1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
  uint32: '<u4',
  int64: '<i8',
  uint64: '<u8',
  bool: '|b1',
};

/** Parsed `.npy` header. */
export interface NpyHeader {
  /** NumPy type string, e.g. `<f4`. */
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Byte offset of the array data in the file. */
  readonly dataOffset: number;
}

function fail(message: string): never {
  throw new TaptrError('TAPTR_NPY_FORMAT', `readNpy: ${message}`);
}

/** Most dimensions a `.npy` array may have (NumPy 2's `NPY_MAXDIMS`). */
const MAX_RANK = 64;

/**
 * Parses the header dictionary, a Python literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`: exactly the keys `descr`,
 * `fortran_order` and `shape`, each once, nothing but whitespace after the closing brace.
 */
function parseHeaderDict(text: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const shown = JSON.stringify(text.length > 120 ? `${text.slice(0, 117)}...` : text);
  const malformed: (what: string) => never = (what) => fail(`malformed header (${what}): ${shown}`);
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const expect = (char: string, what: string): void => {
    skipSpace();
    if (text[i] !== char) malformed(what);
    i++;
  };
  const readString = (what: string): string => {
    skipSpace();
    const quote = text[i];
    if (quote !== "'" && quote !== '"') return malformed(what);
    const end = text.indexOf(quote, i + 1);
    if (end < 0) return malformed(what);
    const value = text.slice(i + 1, end);
    i = end + 1;
    return value;
  };
  const values: { descr?: string; fortranOrder?: boolean; shape?: number[] } = {};
  expect('{', 'expected a dictionary');
  for (;;) {
    skipSpace();
    if (text[i] === '}') {
      i++;
      break;
    }
    const key = readString("expected a quoted key or '}'");
    expect(':', `expected ':' after '${key}'`);
    skipSpace();
    if (key === 'descr' && values.descr === undefined) {
      values.descr = readString("'descr' must be a quoted type string");
    } else if (key === 'fortran_order' && values.fortranOrder === undefined) {
      const word = /^(True|False)\b/.exec(text.slice(i, i + 6))?.[1];
      if (word === undefined) malformed("'fortran_order' must be True or False");
      values.fortranOrder = word === 'True';
      i += word.length;
    } else if (key === 'shape' && values.shape === undefined) {
      const close = text.indexOf(')', i);
      if (text[i] !== '(' || close < 0) malformed("'shape' must be a tuple of integers");
      const items = text
        .slice(i + 1, close)
        .split(',')
        .map((s) => s.trim());
      // `(3,)` and `()` have an empty last item; an empty item anywhere else is malformed.
      if (items[items.length - 1] === '') items.pop();
      if (items.length > MAX_RANK) fail(`shape has ${items.length} dimensions, at most ${MAX_RANK} are allowed`);
      values.shape = items.map((s) => {
        const n = /^\d+L?$/.test(s) ? Number(s.replace(/L$/, '')) : Number.NaN;
        if (!Number.isSafeInteger(n)) malformed(`'shape' must be a tuple of non-negative integers, got (${text.slice(i + 1, close)})`);
        return n;
      });
      i = close + 1;
    } else {
      malformed(key === 'descr' || key === 'fortran_order' || key === 'shape' ? `key '${key}' given twice` : `unexpected key '${key}'`);
    }
    skipSpace();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') malformed("expected ',' or '}'");
  }
  skipSpace();
  if (i !== text.length) malformed('text after the dictionary');
  if (values.descr === undefined || values.fortranOrder === undefined || values.shape === undefined) {
    const missing = (['descr', 'fortran_order', 'shape'] as const).filter((k) => (k === 'fortran_order' ? values.fortranOrder : values[k]) === undefined);
    malformed(`missing ${missing.map((k) => `'${k}'`).join(', ')}`);
  }
  return { descr: values.descr, fortranOrder: values.fortranOrder, shape: values.shape };
}

/**
 * Parses the header of a `.npy` file (versions 1.0, 2.0 and 3.0).
 * @throws TaptrError `TAPTR_NPY_FORMAT` naming what is wrong: magic, version, header length, header dictionary.
 */
export function readNpyHeader(bytes: Uint8Array): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (missing \\x93NUMPY magic)');
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0) fail(`unsupported format version ${major}.${minor} (1.0, 2.0 and 3.0 are read)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else {
    if (bytes.length < 12) fail(`truncated header: the file has ${bytes.length} bytes, a version ${major}.0 header needs at least 12`);
    headerLen = view.getUint32(8, true);
    start = 12;
  }
  if (start + headerLen > bytes.length) fail(`truncated header: header length is ${headerLen} bytes, the file has ${bytes.length - start} after the prefix`);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(bytes.subarray(start, start + headerLen));
  } catch {
    return fail('header is not valid UTF-8');
  }
  const { descr, fortranOrder, shape } = parseHeaderDict(text);
  return { descr, fortranOrder, shape, dataOffset: start + headerLen };
}

/**
 * Decodes a `.npy` file into a C-order {@link TensorView}. Big-endian data is byte-swapped and
 * Fortran-order data transposed, so the result is always native little-endian, row-major.
 * Only numeric and bool dtypes are supported. The data must be exactly as long as the shape says
 * (a truncated file and trailing bytes are both refused), and bool elements must be 0 or 1.
 * @throws TaptrError `TAPTR_NPY_FORMAT` for anything that is not a well-formed numeric `.npy` file,
 *   with a message naming what is wrong.
 */
export function readNpy(bytes: Uint8Array): TensorView {
  const header = readNpyHeader(bytes);
  const order = header.descr[0];
  const code = header.descr.slice(1);
  const type = Object.hasOwn(DESCR_TO_DTYPE, code) ? DESCR_TO_DTYPE[code] : undefined;
  if (type === undefined || !['<', '>', '|', '='].includes(order ?? '')) fail(`unsupported dtype '${header.descr}'`);
  const size = shapeSize(header.shape);
  const width = bytesPerElement(type);
  const byteLength = size * width;
  const available = bytes.length - header.dataOffset;
  const needs = `shape (${header.shape.join(', ')}) of ${header.descr} needs ${byteLength} bytes`;
  if (byteLength > available) fail(`truncated data: ${needs}, the file has ${available}`);
  if (byteLength < available) fail(`data length mismatch: ${needs}, the file has ${available} (${available - byteLength} trailing bytes)`);
  // Copy into a fresh, aligned buffer (the file's data offset need not be aligned for the dtype).
  const raw = bytes.slice(header.dataOffset, header.dataOffset + byteLength);
  if (order === '>' && width > 1) {
    for (let i = 0; i < byteLength; i += width) raw.subarray(i, i + width).reverse();
  }
  if (type === 'bool') {
    const bad = raw.findIndex((b) => b > 1);
    if (bad >= 0) fail(`bool element ${bad} is ${raw[bad]}, must be 0 or 1`);
  }
  let data = viewOf(type, raw.buffer, 0, size);
  if (header.fortranOrder && header.shape.length > 1) data = fortranToC(type, data, header.shape);
  return { type, dims: Object.freeze([...header.shape]), data };
}

function fortranToC<T extends DType>(type: T, src: TensorView<T>['data'], shape: readonly number[]): TensorView<T>['data'] {
  const out = allocate(type, src.length);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  const fStrides = new Array<number>(rank);
  let s = 1;
  for (let i = 0; i < rank; i++) {
    fStrides[i] = s;
    s *= shape[i]!;
  }
  for (let c = 0; c < src.length; c++) {
    let f = 0;
    for (let i = 0; i < rank; i++) f += idx[i]! * fStrides[i]!;
    (out as unknown as number[])[c] = (src as unknown as number[])[f]!;
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i]! < shape[i]!) break;
      idx[i] = 0;
    }
  }
  return out;
}

/** Encodes a {@link TensorView} as a version 1.0 `.npy` file (little-endian, C order). */
export function writeNpy(view: TensorView): Uint8Array {
  const shape = view.dims.length === 1 ? `(${view.dims[0]},)` : `(${view.dims.join(', ')})`;
  let header = `{'descr': '${DTYPE_TO_DESCR[view.type]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const data = new Uint8Array(view.data.buffer, view.data.byteOffset, view.data.byteLength);
  const out = new Uint8Array(10 + header.length + data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}
