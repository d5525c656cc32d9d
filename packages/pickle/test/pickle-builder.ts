// SPDX-License-Identifier: Apache-2.0
// Test-only helpers that assemble pickle byte strings opcode by opcode (no Python needed).
// Not exported from the package index.

/** One part of a pickle: a byte, a byte list, raw bytes, or ASCII text. @internal */
export type Part = number | readonly number[] | Uint8Array | string;

/** Concatenates parts into one byte string. @internal */
export function bytes(...parts: Part[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'number') out.push(part);
    else if (typeof part === 'string') for (const c of part) out.push(c.charCodeAt(0));
    else out.push(...part);
  }
  return Uint8Array.from(out);
}

/** Little-endian unsigned integer of `n` bytes. @internal */
function le(value: number | bigint, n: number): number[] {
  let v = BigInt(value);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}

const utf8 = new TextEncoder();

/** Opcode builders (names as in Python's pickletools). @internal */
export const op = {
  proto: (v: number): number[] => [0x80, v],
  frame: (n: number): number[] => [0x95, ...le(n, 8)],
  stop: 0x2e,
  mark: 0x28,
  pop: 0x30,
  popMark: 0x31,
  dup: 0x32,
  none: 0x4e,
  newTrue: 0x88,
  newFalse: 0x89,
  emptyDict: 0x7d,
  emptyList: 0x5d,
  emptyTuple: 0x29,
  emptySet: 0x8f,
  addItems: 0x90,
  frozenSet: 0x91,
  tuple: 0x74,
  tuple1: 0x85,
  tuple2: 0x86,
  tuple3: 0x87,
  setItem: 0x73,
  setItems: 0x75,
  append: 0x61,
  appends: 0x65,
  memoize: 0x94,
  reduce: 0x52,
  build: 0x62,
  newObj: 0x81,
  newObjEx: 0x92,
  stackGlobal: 0x93,
  binPersId: 0x51,
  binPut: (i: number): number[] => [0x71, i],
  longBinPut: (i: number): number[] => [0x72, ...le(i, 4)],
  binGet: (i: number): number[] => [0x68, i],
  longBinGet: (i: number): number[] => [0x6a, ...le(i, 4)],
  binInt1: (v: number): number[] => [0x4b, v],
  binInt2: (v: number): number[] => [0x4d, ...le(v, 2)],
  binInt: (v: number): number[] => [0x4a, ...le(v >>> 0, 4)],
  long1: (v: bigint, n: number): number[] => [0x8a, n, ...le(BigInt.asUintN(8 * n, v), n)],
  binFloat: (v: number): number[] => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, v, false);
    return [0x47, ...new Uint8Array(view.buffer)];
  },
  shortUnicode: (s: string): number[] => {
    const b = utf8.encode(s);
    return [0x8c, b.length, ...b];
  },
  binUnicode: (s: string): number[] => {
    const b = utf8.encode(s);
    return [0x58, ...le(b.length, 4), ...b];
  },
  binUnicode8: (s: string): number[] => {
    const b = utf8.encode(s);
    return [0x8d, ...le(b.length, 8), ...b];
  },
  shortBinBytes: (b: readonly number[] | Uint8Array): number[] => [0x43, b.length, ...b],
  binBytes: (b: readonly number[] | Uint8Array): number[] => [0x42, ...le(b.length, 4), ...b],
  binBytes8: (b: readonly number[] | Uint8Array): number[] => [0x8e, ...le(b.length, 8), ...b],
  byteArray8: (b: readonly number[] | Uint8Array): number[] => [0x96, ...le(b.length, 8), ...b],
  global: (module: string, name: string): number[] => [0x63, ...utf8.encode(`${module}\n${name}\n`)],
};
