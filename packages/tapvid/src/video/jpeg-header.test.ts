// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pilJpegDir } from '@taptr/fixtures';
import { TaptrError } from '@taptr/tensor';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { readJpegHeader } from './jpeg-header.js';

const PIL = pilJpegDir();

function encode(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) & 255;
  return new Uint8Array(jpeg.encode({ width, height, data }, 90).data);
}

/** Offset of the first segment with `marker` (FF xx) in a JPEG. */
function segment(bytes: Uint8Array, marker: number): number {
  let at = 2;
  while (bytes[at + 1] !== marker) at += 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
  return at;
}

function refusal(bytes: Uint8Array): string {
  try {
    readJpegHeader(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(TaptrError);
    expect((error as TaptrError).code).toBe('TAPTR_VIDEO_FORMAT');
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('readJpegHeader', () => {
  it("reads the size and sampling of Pillow's 4:4:4, 4:2:2 and 4:2:0 files", () => {
    const sampling = { yuv444: [1, 1], yuv422: [2, 1], yuv420: [2, 2] } as const;
    for (const [name, [h, v]] of Object.entries(sampling)) {
      const header = readJpegHeader(new Uint8Array(readFileSync(join(PIL, `${name}.jpg`))));
      expect(header, name).toMatchObject({ width: 37, height: 23, progressive: false });
      expect(
        header.components.map((c) => [c.h, c.v]),
        name,
      ).toEqual([
        [h, v],
        [1, 1],
        [1, 1],
      ]);
    }
  });

  it('refuses headers a decoder would trip over', () => {
    const good = encode(32, 16);
    expect(readJpegHeader(good)).toMatchObject({ width: 32, height: 16 });
    expect(refusal(good.subarray(0, 1))).toBe('no JPEG start-of-image marker (FF D8)');
    // Truncated inside the entropy-coded data: too few bytes for the blocks of the frame.
    expect(refusal(good.subarray(0, segment(good, 0xda) + 16))).toMatch(/^32x16 needs \d+ coded 8x8 blocks, but the scans hold only \d+ bytes/);
    // A scan naming a component that is not in the frame.
    const badScan = good.slice();
    badScan[segment(good, 0xda) + 5] = 99;
    expect(refusal(badScan)).toMatch(/scan header at byte \d+: component 99 is not in the frame/);
    // A frame component with sampling factor 0.
    const badSof = good.slice();
    badSof[segment(good, 0xc0) + 11] = 0x01;
    expect(refusal(badSof)).toMatch(/component \d+ has sampling factors 0x1/);
    // A segment length running past the end.
    const badLength = good.slice();
    badLength[segment(good, 0xc4) + 2] = 0xff;
    expect(refusal(badLength)).toMatch(/segment FFC4 at byte \d+ has length \d+, \d+ bytes left/);
    // No Huffman tables at all.
    const dht = segment(good, 0xc4);
    let end = dht;
    while (good[end + 1] === 0xc4) end += 2 + ((good[end + 2]! << 8) | good[end + 3]!);
    const noTables = new Uint8Array([...good.subarray(0, dht), ...good.subarray(end)]);
    expect(refusal(noTables)).toMatch(/uses DC Huffman table 0, which is not defined/);
  });
});
