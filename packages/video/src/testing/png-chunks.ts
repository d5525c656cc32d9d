// SPDX-License-Identifier: Apache-2.0
// PNG inputs for decoder tests: valid files with the chunk layouts pngjs never writes (ancillary
// chunks, IDAT split in several chunks), so fuzz tests mutate realistic structures.
import { crc32 } from 'node:zlib';

/** One PNG chunk: length, type, data and the CRC-32 of type + data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Splits pngjs output into its chunks and rebuilds it with a tEXt chunk and the IDAT in two parts.
 * @param png - a complete PNG file with a single IDAT chunk (what pngjs writes).
 */
export function withAncillaryAndSplitIdat(png: Uint8Array): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Uint8Array[] = [];
  let idat: Uint8Array | undefined;
  for (let o = 8; o < png.length;) {
    const length = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const data = png.subarray(o + 8, o + 8 + length);
    if (type === 'IDAT') idat = data;
    else if (type === 'IEND') {
      const half = idat!.length >> 1;
      chunks.push(
        pngChunk('tEXt', new TextEncoder().encode('Comment\0taptr fuzz input')),
        pngChunk('IDAT', idat!.subarray(0, half)),
        pngChunk('IDAT', idat!.subarray(half)),
      );
      chunks.push(pngChunk('IEND', data));
    } else chunks.push(pngChunk(type, data));
    o += 12 + length;
  }
  const out = new Uint8Array(8 + chunks.reduce((n, c) => n + c.length, 0));
  out.set(png.subarray(0, 8));
  chunks.reduce((o, c) => (out.set(c, o), o + c.length), 8);
  return out;
}
