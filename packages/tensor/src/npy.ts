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

/** Parses the header of a `.npy` file. */
export function readNpyHeader(bytes: Uint8Array): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (missing \\x93NUMPY magic)');
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated header');
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    fail(`unsupported format version ${major}.${bytes[7]}`);
  }
  if (start + headerLen > bytes.length) fail('truncated header');
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(`malformed header ${JSON.stringify(text.trim())}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) fail(`malformed shape (${shapeText})`);
      return n;
    });
  return { descr, fortranOrder: fortran === 'True', shape, dataOffset: start + headerLen };
}

/**
 * Decodes a `.npy` file into a C-order {@link TensorView}. Big-endian data is byte-swapped and
 * Fortran-order data transposed, so the result is always native little-endian, row-major.
 * Only numeric and bool dtypes are supported.
 * @throws TaptrError `TAPTR_NPY_FORMAT` for anything that is not a well-formed numeric `.npy` file.
 */
export function readNpy(bytes: Uint8Array): TensorView {
  const header = readNpyHeader(bytes);
  const order = header.descr[0];
  const code = header.descr.slice(1);
  const type = DESCR_TO_DTYPE[code];
  if (type === undefined || !['<', '>', '|', '='].includes(order ?? '')) fail(`unsupported dtype '${header.descr}'`);
  const size = shapeSize(header.shape);
  const width = bytesPerElement(type);
  const byteLength = size * width;
  if (header.dataOffset + byteLength > bytes.length) {
    fail(`truncated data: shape (${header.shape.join(', ')}) of ${header.descr} needs ${byteLength} bytes, file has ${bytes.length - header.dataOffset}`);
  }
  // Copy into a fresh, aligned buffer (the file's data offset need not be aligned for the dtype).
  const raw = bytes.slice(header.dataOffset, header.dataOffset + byteLength);
  if (order === '>' && width > 1) {
    for (let i = 0; i < byteLength; i += width) raw.subarray(i, i + width).reverse();
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
