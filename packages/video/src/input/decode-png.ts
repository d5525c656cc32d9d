// SPDX-License-Identifier: Apache-2.0
import { crc32 } from 'node:zlib';
import { PNG } from 'pngjs';
import { TaptrError } from '@taptr/tensor';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Largest image accepted, in pixels (16384 x 16384): a larger IHDR is refused before decoding. */
export const MAX_PNG_PIXELS = 1 << 28;

/** A decoded PNG: `data` is RGBA `[H, W, 4]` uint8 (grey and palette expanded, 16-bit reduced to 8 by pngjs). */
export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * Checks the chunk structure of a PNG before it is decoded: the signature, every chunk's length
 * within the file, its type, and its CRC-32 (pngjs checks the CRC of the chunks it reads but skips
 * ancillary chunks unchecked), IHDR first with a size within {@link MAX_PNG_PIXELS}, and IEND last
 * (pngjs refuses bytes after it too).
 * @returns what is wrong, or undefined when the structure is sound.
 */
export function pngStructureError(bytes: Uint8Array): string | undefined {
  if (bytes.length < SIGNATURE.length || SIGNATURE.some((b, i) => bytes[i] !== b)) return 'missing the PNG signature';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = SIGNATURE.length;
  for (let index = 0; ; index++) {
    if (offset + 12 > bytes.length) return `truncated: the file ends at byte ${bytes.length} without an IEND chunk`;
    const length = view.getUint32(offset);
    const typeBytes = bytes.subarray(offset + 4, offset + 8);
    const type = String.fromCharCode(...typeBytes);
    if (!/^[A-Za-z]{4}$/.test(type)) return `chunk ${index} at byte ${offset} has an invalid type ${JSON.stringify(type)}`;
    if (length > 0x7fffffff || offset + 12 + length > bytes.length) {
      return `truncated: chunk ${type} at byte ${offset} declares ${length} bytes, the file has ${Math.max(0, bytes.length - offset - 12)} left`;
    }
    const stored = view.getUint32(offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== stored) return `CRC mismatch in chunk ${type} at byte ${offset} (the file is corrupt)`;
    if (index === 0) {
      if (type !== 'IHDR' || length !== 13) return `the first chunk must be a 13-byte IHDR, got ${type} of ${length} bytes`;
      const width = view.getUint32(offset + 8);
      const height = view.getUint32(offset + 12);
      if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return `invalid size ${width}x${height} in IHDR`;
      if (width * height > MAX_PNG_PIXELS) return `the image is ${width}x${height}, more than the ${MAX_PNG_PIXELS} pixels accepted`;
    }
    offset += 12 + length;
    if (type === 'IEND') return offset === bytes.length ? undefined : `${bytes.length - offset} bytes after the IEND chunk`;
  }
}

/**
 * Decodes PNG bytes to RGBA after {@link pngStructureError} found them sound.
 * @param path - names the file in messages.
 * @param role - what the image is for, in messages: `${path}: ${role} is not a valid PNG image (...)`.
 * @throws TaptrError `TAPTR_VIDEO_FORMAT` naming the file and what is wrong (signature, truncation,
 *   CRC mismatch, undecodable image data).
 */
export function decodePng(bytes: Uint8Array, path: string, role = 'the file'): DecodedPng {
  const invalid = (what: string, cause?: unknown): TaptrError =>
    new TaptrError('TAPTR_VIDEO_FORMAT', `${path}: ${role} is not a valid PNG image (${what})`, cause === undefined ? undefined : { cause });
  const problem = pngStructureError(bytes);
  if (problem !== undefined) throw invalid(problem);
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error), error);
  }
  const { width, height, data } = png;
  if (data.length !== width * height * 4) throw invalid(`decoded ${data.length} bytes for ${width}x${height} RGBA`);
  return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
