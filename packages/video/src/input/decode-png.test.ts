// SPDX-License-Identifier: Apache-2.0
import { crc32 } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { isTaptrError, type TaptrError } from '@taptr/tensor';
import { fuzzBytes } from '@taptr/tensor/testing';
import { withAncillaryAndSplitIdat } from '../testing/png-chunks.js';
import { pngStructureError } from './decode-png.js';
import { decodePngRgb } from './read-frame-folder.js';

const W = 16;
const H = 12;

/** A frame PNG (RGB, colour type 2) with every pixel different, plus its rgb24 pixels. */
function framePng(): { bytes: Uint8Array; rgb: Uint8Array } {
  const png = new PNG({ width: W, height: H });
  const rgb = new Uint8Array(W * H * 3);
  for (let i = 0; i < W * H; i++) {
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = (i * (7 + 13 * c) + c * 50) & 255;
    png.data.set([rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!, 255], i * 4);
  }
  return { bytes: withAncillaryAndSplitIdat(new Uint8Array(PNG.sync.write(png, { colorType: 2 }))), rgb };
}

function message(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    expect(isTaptrError(error, 'TAPTR_VIDEO_FORMAT'), String(error)).toBe(true);
    return (error as TaptrError).message;
  }
  throw new Error('the PNG was accepted');
}

/** Byte offset of the first chunk of `type`. */
function chunkAt(bytes: Uint8Array, type: string): number {
  return Buffer.from(bytes).indexOf(type) - 4;
}

describe('decodePng', () => {
  const frame = framePng();

  it('decodes frames exactly', () => {
    const decoded = decodePngRgb(frame.bytes, 'f.png');
    expect([decoded.width, decoded.height]).toEqual([W, H]);
    expect(Buffer.compare(Buffer.from(decoded.rgb), Buffer.from(frame.rgb))).toBe(0);
  });

  it('refuses a CRC mismatch in any chunk, ancillary ones included (pngjs alone skips them unchecked)', () => {
    const text = frame.bytes.slice();
    text[chunkAt(text, 'tEXt') + 10]! ^= 1;
    expect(() => PNG.sync.read(Buffer.from(text))).not.toThrow();
    expect(message(() => decodePngRgb(text, 'f.png'))).toBe(
      `f.png: the file is not a valid PNG image (CRC mismatch in chunk tEXt at byte ${chunkAt(text, 'tEXt')} (the file is corrupt))`,
    );
    const idat = frame.bytes.slice();
    idat[chunkAt(idat, 'IDAT') + 20]! ^= 0x40;
    expect(message(() => decodePngRgb(idat, 'f.png'))).toMatch(/^f\.png: the file is not a valid PNG image \(CRC mismatch in chunk IDAT at byte \d+/);
  });

  it('names truncation, a missing signature and a bad IHDR', () => {
    const iend = chunkAt(frame.bytes, 'IEND');
    expect(message(() => decodePngRgb(frame.bytes.subarray(0, iend), 'f.png'))).toBe(
      `f.png: the file is not a valid PNG image (truncated: the file ends at byte ${iend} without an IEND chunk)`,
    );
    expect(message(() => decodePngRgb(frame.bytes.subarray(0, 50), 'f.png'))).toMatch(
      /^f\.png: the file is not a valid PNG image \(truncated: chunk tEXt at byte 33 declares \d+ bytes, the file has 5 left\)$/,
    );
    expect(message(() => decodePngRgb(new Uint8Array(10), 'f.png'))).toBe('f.png: the file is not a valid PNG image (missing the PNG signature)');
    const huge = frame.bytes.slice();
    new DataView(huge.buffer).setUint32(16, 1 << 20);
    new DataView(huge.buffer).setUint32(20, 1 << 20);
    new DataView(huge.buffer).setUint32(29, crc32(huge.subarray(12, 29)));
    expect(pngStructureError(huge)).toBe(`the image is 1048576x1048576, more than the ${1 << 28} pixels accepted`);
    const trailing = new Uint8Array(frame.bytes.length + 3);
    trailing.set(frame.bytes);
    expect(message(() => decodePngRgb(trailing, 'f.png'))).toBe('f.png: the file is not a valid PNG image (3 bytes after the IEND chunk)');
  });

  it('frames: thousands of seeded mutations, each refused with TAPTR_VIDEO_FORMAT or decoded to the same pixels', async () => {
    const idat = chunkAt(frame.bytes, 'IDAT');
    const report = await fuzzBytes({
      input: frame.bytes,
      seed: 0x706e67,
      minCases: 3000,
      budgetMs: 3000,
      hotRanges: [
        [0, 60],
        [idat, idat + 16],
        [frame.bytes.length - 24, frame.bytes.length],
      ],
      read: (bytes) => decodePngRgb(bytes, 'frame.png'),
      onAccept: (decoded) => {
        if (decoded.width !== W || decoded.height !== H) throw new Error(`decoded as ${decoded.width}x${decoded.height}`);
        if (Buffer.compare(Buffer.from(decoded.rgb), Buffer.from(frame.rgb)) !== 0) throw new Error('decoded to other pixels');
      },
    });
    expect(report.failures, report.summary).toEqual([]);
    expect(report.cases).toBeGreaterThanOrEqual(3000);
    expect(report.rejected['TAPTR_VIDEO_FORMAT'] ?? 0, report.summary).toBeGreaterThan(report.cases / 2);
  });
});
