// SPDX-License-Identifier: Apache-2.0
import { TaptrError } from '@taptr/tensor';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeJpegFrames } from './decode-jpeg-frames.js';

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
    expect(() => decodeJpegFrames([encode(8, 8, [0, 0, 0]), Uint8Array.from([1, 2, 3])])).toThrow(/^decodeJpegFrames: frame 1 is not a decodable JPEG \(3 bytes\): no JPEG start-of-image marker/);
    expect(() => decodeJpegFrames([encode(8, 8, [0, 0, 0]), encode(16, 8, [0, 0, 0])])).toThrow(/frame 1 is 16x8, frame 0 is 8x8/);
    try {
      decodeJpegFrames([encode(8, 8, [0, 0, 0]).subarray(0, 100)]);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'TAPTR_VIDEO_FORMAT' });
    }
  });
});
