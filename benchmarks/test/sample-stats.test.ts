// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { sampleStats, timeInterleaved, timeRepeated, timeRoundRobin } from '../src/sample-stats.js';

describe('sampleStats', () => {
  it('medians odd and even counts', () => {
    expect(sampleStats([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, n: 3 });
    expect(sampleStats([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
  });
  it('rejects an empty list', () => expect(() => sampleStats([])).toThrow(RangeError));
  it('runs one warm-up plus the repetitions', async () => {
    let calls = 0;
    const s = await timeRepeated(async () => calls++, 3);
    expect(calls).toBe(4);
    expect(s.n).toBe(3);
    await timeRepeated(async () => calls++, 2, false);
    expect(calls).toBe(6);
  });
  it('alternates two tasks without a warm-up', async () => {
    const order: string[] = [];
    const [a, b] = await timeInterleaved(
      async () => order.push('a'),
      async () => order.push('b'),
      2,
    );
    expect(order).toEqual(['a', 'b', 'a', 'b']);
    expect([a.n, b.n]).toEqual([2, 2]);
  });
  it('runs any number of tasks round-robin without a warm-up', async () => {
    const order: number[] = [];
    const stats = await timeRoundRobin(
      [0, 1, 2].map((k) => async () => order.push(k)),
      2,
    );
    expect(order).toEqual([0, 1, 2, 0, 1, 2]);
    expect(stats.map((s) => s.n)).toEqual([2, 2, 2]);
  });
});
