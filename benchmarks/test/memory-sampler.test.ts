// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { collectGarbage, withPeakRss } from '../src/memory-sampler.js';

describe('withPeakRss', () => {
  it('sees a short allocation that raises the high-water mark, even between samples', async () => {
    const before = process.memoryUsage.rss();
    const bytes = 400e6;
    const { value, peakRssMB } = await withPeakRss(async () => {
      const big = new Uint8Array(bytes);
      big.fill(1); // touch every page
      const sum = big[0]! + big[bytes - 1]!;
      return sum;
    }, 60_000);
    expect(value).toBe(2);
    expect(peakRssMB).toBeGreaterThanOrEqual(Math.round((before + 0.9 * bytes) / 1e6));
  });
});

describe('collectGarbage', () => {
  it('frees unreachable buffers now', () => {
    // eslint-disable-next-line no-useless-assignment -- never read: the test drops it and measures the memory freed
    let big: Float32Array | undefined = new Float32Array(25e6).fill(1); // 100 MB
    const held = process.memoryUsage().arrayBuffers;
    big = undefined;
    collectGarbage();
    collectGarbage();
    expect(big).toBeUndefined();
    expect(process.memoryUsage().arrayBuffers).toBeLessThan(held - 90e6);
  });
});
