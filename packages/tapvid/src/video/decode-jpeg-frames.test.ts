// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pilJpegDir } from '@taptr/fixtures';
import { TaptrError } from '@taptr/tensor';
import jpeg from 'jpeg-js';
import { describe, expect, it, vi } from 'vitest';
import { decodeJpegFrames } from './decode-jpeg-frames.js';

const PIL = pilJpegDir();

function encode(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
  return new Uint8Array(jpeg.encode({ width, height, data }, 95).data);
}

describe('decodeJpegFrames', () => {
  it('decodes frames to [T, H, W, 3] RGB', () => {
    const video = decodeJpegFrames([encode(16, 8, [200, 30, 30]), encode(16, 8, [20, 220, 40])]);
    expect(video.dims).toEqual([2, 8, 16, 3]);
    expect(Math.abs(video.data[0]! - 200)).toBeLessThanOrEqual(3);
    expect(Math.abs(video.data[8 * 16 * 3 + 1]! - 220)).toBeLessThanOrEqual(3);
  });

  it('rejects broken JPEGs and mixed sizes with TAPTR_VIDEO_FORMAT errors naming the frame', () => {
    expect(() => decodeJpegFrames([Uint8Array.from([1, 2, 3])])).toThrow(TaptrError);
    expect(() => decodeJpegFrames([encode(8, 8, [0, 0, 0]), Uint8Array.from([1, 2, 3])])).toThrow(
      /^decodeJpegFrames: frame 1 is not a decodable JPEG \(3 bytes\): no JPEG start-of-image marker/,
    );
    expect(() => decodeJpegFrames([encode(8, 8, [0, 0, 0]), encode(16, 8, [0, 0, 0])])).toThrow(/frame 1 is 16x8, frame 0 is 8x8/);
    try {
      decodeJpegFrames([encode(8, 8, [0, 0, 0]).subarray(0, 100)]);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'TAPTR_VIDEO_FORMAT' });
    }
  });

  it('refuses what libjpeg refuses or finds truncated, prints nothing, and decodes the next file as before', () => {
    const file = new Uint8Array(readFileSync(join(PIL, 'yuv444.jpg')));
    const reference = decodeJpegFrames([file]);
    const stderr = vi.spyOn(process.stderr, 'write');
    const consoleError = vi.spyOn(console, 'error');
    try {
      // A frame header the marker check accepts but libjpeg does not (luma sampled 4x4: 18 blocks per MCU, libjpeg allows 10).
      let at = 2;
      while (file[at + 1] !== 0xc0) at += 2 + ((file[at + 2]! << 8) | file[at + 3]!);
      const sampling = file.slice();
      sampling[at + 11] = 0x44;
      expect(() => decodeJpegFrames([file, sampling])).toThrow(
        new TaptrError(
          'TAPTR_VIDEO_FORMAT',
          `decodeJpegFrames: frame 1 is not a decodable JPEG (${file.length} bytes): libjpeg: Sampling factors too large for interleaved scan`,
        ),
      );
      // The last 40 bytes cut off: enough entropy data for the marker check, but the image is incomplete (Pillow: "image file is truncated").
      expect(() => decodeJpegFrames([file.subarray(0, file.length - 40)])).toThrow(
        /^decodeJpegFrames: frame 0 is not a decodable JPEG \(\d+ bytes\): libjpeg: Premature end of JPEG file/,
      );
      // A failed decode leaves the decoder as it was (each failure starts a fresh wasm instance).
      for (let i = 0; i < 50; i++) expect(() => decodeJpegFrames([sampling])).toThrow(TaptrError);
      expect(decodeJpegFrames([file]).data).toEqual(reference.data);
      expect(stderr).not.toHaveBeenCalled();
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
      consoleError.mockRestore();
    }
  });
});
