// SPDX-License-Identifier: Apache-2.0
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { fuzzBytes } from '@taptr/tensor/testing';
import { withAncillaryAndSplitIdat } from '@taptr/video/testing';
import { decodeMask } from './read-mask.js';

const W = 16;
const H = 12;

/** A mask PNG (RGBA): inside where alpha and a colour are non-zero. */
function maskPng(): { bytes: Uint8Array; inside: Uint8Array } {
  const png = new PNG({ width: W, height: H });
  const inside = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) {
    const on = (i * 37) % 5 < 2;
    inside[i] = on ? 1 : 0;
    png.data.set(on ? [255, 255, 255, 255] : i % 2 === 0 ? [0, 0, 0, 255] : [200, 10, 10, 0], i * 4);
  }
  return { bytes: withAncillaryAndSplitIdat(new Uint8Array(PNG.sync.write(png))), inside };
}

describe('decodeMask', () => {
  it('masks: thousands of seeded mutations, each refused with TAPTR_VIDEO_FORMAT or read to the same mask', async () => {
    const mask = maskPng();
    expect(decodeMask(mask.bytes, 'm.png').inside).toEqual(mask.inside);
    const report = await fuzzBytes({
      input: mask.bytes,
      seed: 0x6d61736b,
      minCases: 3000,
      budgetMs: 3000,
      hotRanges: [
        [0, 60],
        [mask.bytes.length - 24, mask.bytes.length],
      ],
      read: (bytes) => decodeMask(bytes, 'mask.png'),
      onAccept: (decoded) => {
        if (decoded.width !== W || decoded.height !== H) throw new Error(`decoded as ${decoded.width}x${decoded.height}`);
        if (Buffer.compare(Buffer.from(decoded.inside), Buffer.from(mask.inside)) !== 0) throw new Error('decoded to another mask');
      },
    });
    expect(report.failures, report.summary).toEqual([]);
    expect(report.cases).toBeGreaterThanOrEqual(3000);
  });
});
