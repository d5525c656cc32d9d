// SPDX-License-Identifier: Apache-2.0
// The zip container of torch.save checkpoints: central directory (ZIP64 included), local headers,
// and the CRC-32 of every entry that is read.
//
// CRC-32: Node's `zlib.crc32(data, value)` (native, ~10x faster) when the platform has it, found
// at run time through `process.getBuiltinModule` so that no bundler sees a `node:` import; elsewhere
// (browsers: @taptr/model is platform:universal) `crc-32` (SheetJS, Apache-2.0, no dependencies,
// slicing-by-16). Both continue a running CRC, so an entry is checked chunk by chunk over views of
// the archive, never copied.
import { TaptrError } from '@taptr/tensor';
import CRC32 from 'crc-32';
import { inflateSync } from 'fflate';

/** One entry of the central directory. @internal */
export interface ZipEntry {
  readonly name: string;
  /** 0 = stored (what torch.save writes), 8 = deflate. */
  readonly method: number;
  /** CRC-32 recorded in the central directory (unsigned). */
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

/** A zip archive held in memory. @internal */
export interface ZipArchive {
  /** Entries by name, in central-directory order. */
  readonly entries: ReadonlyMap<string, ZipEntry>;
  /**
   * The bytes of an entry after its CRC-32 was checked: a view of the archive for a stored entry
   * (no copy), a new buffer for a deflated one.
   * @throws TaptrError `TAPTR_CHECKPOINT_CORRUPT` naming the entry: bad local header, truncated
   *   data, CRC-32 mismatch, unsupported compression.
   */
  read(entry: ZipEntry): Uint8Array;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_END64_LOCATOR = 0x07064b50;
const END_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
/** Entries are checked in chunks of this many bytes (views, not copies). */
const CRC_CHUNK = 1 << 22;
const NAMES = new TextDecoder('utf-8');

const hex32 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

function corrupt(label: string, entry: string | undefined, message: string, cause?: unknown): TaptrError {
  return new TaptrError(
    'TAPTR_CHECKPOINT_CORRUPT',
    `${label}: ${entry === undefined ? '' : `${entry}: `}${message}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Continues the CRC-32 `value` (unsigned) over `data`. */
type Crc32Update = (data: Uint8Array, value: number) => number;

/** The pure JavaScript CRC-32 (`crc-32`). @internal */
export const crc32Js: Crc32Update = (data, value) => CRC32.buf(data, value) >>> 0;

const nodeZlib = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:zlib') as
  { crc32?: Crc32Update } | undefined;
const crc32Update: Crc32Update = typeof nodeZlib?.crc32 === 'function' ? nodeZlib.crc32 : crc32Js;

/** CRC-32 (IEEE, as in zip) of `bytes`, fed in chunks of views. @internal */
export function crc32Of(bytes: Uint8Array, update: Crc32Update = crc32Update): number {
  let crc = 0;
  for (let at = 0; at < bytes.length; at += CRC_CHUNK) crc = update(bytes.subarray(at, Math.min(bytes.length, at + CRC_CHUNK)), crc);
  return crc >>> 0;
}

/**
 * Opens a zip archive: finds the end record (ZIP64 when the classic one is saturated) and parses
 * the central directory. Entry data is only touched by {@link ZipArchive.read}.
 * @param label - prefix of error messages (e.g. `checkpoint`).
 * @throws TaptrError `TAPTR_CHECKPOINT_CORRUPT` for a missing end record (truncated file), a
 *   central directory outside the file or with a bad signature, duplicate names.
 */
export function openZipArchive(bytes: Uint8Array, label: string): ZipArchive {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = bytes.length;
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const u64 = (at: number, what: string, entry?: string): number => {
    const value = u32(at) + u32(at + 4) * 2 ** 32;
    if (!Number.isSafeInteger(value)) throw corrupt(label, entry, `${what} ${value} is not a valid offset or size`);
    return value;
  };

  const endAt = findEndRecord(bytes, view);
  if (endAt < 0) throw truncatedArchive(bytes, view, label);
  let count = u16(endAt + 10);
  let cdSize = u32(endAt + 12);
  let cdOffset = u32(endAt + 16);
  let cdLimit = endAt;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = endAt - 20;
    if (locator < 0 || u32(locator) !== SIG_END64_LOCATOR) throw corrupt(label, undefined, 'the end record has ZIP64 markers but no ZIP64 locator precedes it');
    const end64 = u64(locator + 8, 'ZIP64 end record offset');
    if (end64 + 56 > locator || u32(end64) !== SIG_END64) throw corrupt(label, undefined, `no ZIP64 end record at byte ${end64} (file has ${size} bytes)`);
    count = u64(end64 + 32, 'ZIP64 entry count');
    cdSize = u64(end64 + 40, 'ZIP64 central directory size');
    cdOffset = u64(end64 + 48, 'ZIP64 central directory offset');
    cdLimit = end64;
  }
  if (cdOffset + cdSize > cdLimit) {
    throw corrupt(label, undefined, `bad central directory: bytes ${cdOffset}..${cdOffset + cdSize} run past its end record at byte ${cdLimit}`);
  }
  if (count * CENTRAL_SIZE > cdSize) throw corrupt(label, undefined, `bad central directory: ${count} entries cannot fit in ${cdSize} bytes`);

  const entries = new Map<string, ZipEntry>();
  const cdEnd = cdOffset + cdSize;
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > cdEnd || u32(at) !== SIG_CENTRAL)
      throw corrupt(label, undefined, `bad central directory: entry ${i} of ${count} at byte ${at} has no central header signature`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const crc32 = u32(at + 16);
    let compressedSize = u32(at + 20);
    let uncompressedSize = u32(at + 24);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const commentLength = u16(at + 32);
    let localHeaderOffset = u32(at + 42);
    const next = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (next > cdEnd) throw corrupt(label, undefined, `bad central directory: entry ${i} at byte ${at} runs past the directory's end (byte ${cdEnd})`);
    const name = NAMES.decode(bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength));
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      // ZIP64 extended information: the saturated fields, in this order, 8 bytes each.
      const zip64 = findExtra(view, at + CENTRAL_SIZE + nameLength, extraLength, 0x0001);
      if (zip64 === undefined) throw corrupt(label, name, 'central header has ZIP64 markers but no ZIP64 extra field');
      let p = zip64.start;
      const take = (what: string): number => {
        if (p + 8 > zip64.end) throw corrupt(label, name, `ZIP64 extra field too short for the ${what}`);
        const value = u64(p, what, name);
        p += 8;
        return value;
      };
      if (uncompressedSize === 0xffffffff) uncompressedSize = take('size');
      if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
      if (localHeaderOffset === 0xffffffff) localHeaderOffset = take('local header offset');
    }
    if (flags & 0x1) throw corrupt(label, name, 'entry is marked encrypted (torch.save never encrypts)');
    if (entries.has(name)) throw corrupt(label, name, 'the central directory lists this entry twice');
    entries.set(name, { name, method, crc32, compressedSize, size: uncompressedSize, localHeaderOffset });
    at = next;
  }

  return {
    entries,
    read(entry: ZipEntry): Uint8Array {
      const { name, localHeaderOffset: local } = entry;
      if (local + LOCAL_SIZE > size) throw corrupt(label, name, `truncated: local header at byte ${local} needs ${local + LOCAL_SIZE} bytes, file has ${size}`);
      if (u32(local) !== SIG_LOCAL) throw corrupt(label, name, `bad local header: no signature at byte ${local}`);
      const nameLength = u16(local + 26);
      const start = local + LOCAL_SIZE + nameLength + u16(local + 28);
      if (local + LOCAL_SIZE + nameLength > size || NAMES.decode(bytes.subarray(local + LOCAL_SIZE, local + LOCAL_SIZE + nameLength)) !== name) {
        throw corrupt(label, name, `bad local header: the header at byte ${local} names another entry`);
      }
      if (u16(local + 8) !== entry.method)
        throw corrupt(label, name, `bad local header: compression method ${u16(local + 8)}, central directory says ${entry.method}`);
      const end = start + entry.compressedSize;
      if (end > size) throw corrupt(label, name, `truncated: entry needs ${end} bytes, file has ${size}`);
      const raw = bytes.subarray(start, end);
      let data: Uint8Array;
      if (entry.method === 0) {
        if (entry.compressedSize !== entry.size) throw corrupt(label, name, `stored entry has compressed size ${entry.compressedSize} != size ${entry.size}`);
        data = raw;
      } else if (entry.method === 8) {
        // Deflate expands at most ~1032:1; a larger recorded size is a corrupt field, not an allocation to try.
        if (entry.size > entry.compressedSize * 1032 + 1024)
          throw corrupt(label, name, `deflated entry of ${entry.compressedSize} bytes cannot inflate to the ${entry.size} bytes recorded`);
        try {
          data = inflateSync(raw, { out: new Uint8Array(entry.size) });
        } catch (error) {
          throw corrupt(label, name, `cannot inflate (${(error as Error).message})`, error);
        }
        if (data.length !== entry.size) throw corrupt(label, name, `inflates to ${data.length} bytes, central directory says ${entry.size}`);
      } else {
        throw corrupt(label, name, `unsupported compression method ${entry.method} (torch.save stores entries uncompressed)`);
      }
      const actual = crc32Of(data);
      if (actual !== entry.crc32) throw corrupt(label, name, `CRC-32 ${hex32(actual)} != ${hex32(entry.crc32)} recorded`);
      return data;
    },
  };
}

/** Offset of the end-of-central-directory record, or -1. */
function findEndRecord(bytes: Uint8Array, view: DataView): number {
  const last = bytes.length - END_SIZE;
  for (let at = last; at >= 0 && at >= last - MAX_COMMENT; at--) {
    if (bytes[at] !== 0x50 || view.getUint32(at, true) !== SIG_END) continue;
    // The comment must end exactly at the end of the file.
    if (at + END_SIZE + view.getUint16(at + 20, true) === bytes.length) return at;
  }
  return -1;
}

/** The error for an archive without an end record: names the last entry whose header is in the file. */
function truncatedArchive(bytes: Uint8Array, view: DataView, label: string): TaptrError {
  const hint = `file has ${bytes.length} bytes, no end-of-central-directory record`;
  for (let at = bytes.length - LOCAL_SIZE; at >= 0; at--) {
    if (bytes[at] !== 0x50 || view.getUint32(at, true) !== SIG_LOCAL) continue;
    const nameLength = view.getUint16(at + 26, true);
    if (at + LOCAL_SIZE + nameLength > bytes.length) continue;
    const name = NAMES.decode(bytes.subarray(at + LOCAL_SIZE, at + LOCAL_SIZE + nameLength));
    return corrupt(label, name, `truncated: the file ends in or after this entry (local header at byte ${at}; ${hint})`);
  }
  return corrupt(label, undefined, `truncated or not a zip (${hint})`);
}

/** The data range of the extra field `id` inside `[start, start + length)`, if present. */
function findExtra(view: DataView, start: number, length: number, id: number): { start: number; end: number } | undefined {
  const end = start + length;
  for (let at = start; at + 4 <= end;) {
    const size = view.getUint16(at + 2, true);
    if (at + 4 + size > end) return undefined;
    if (view.getUint16(at, true) === id) return { start: at + 4, end: at + 4 + size };
    at += 4 + size;
  }
  return undefined;
}
