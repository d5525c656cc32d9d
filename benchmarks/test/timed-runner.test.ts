// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { timeMethods } from '../src/timed-runner.js';

describe('timeMethods', () => {
  it('counts calls per method (sync and async) and passes values and properties through', async () => {
    const target = { resolution: 512, add: (a: number, b: number) => a + b, later: async (x: string) => `${x}!` };
    const timed = timeMethods(target);
    expect(timed.proxy.resolution).toBe(512);
    expect(timed.proxy.add(1, 2)).toBe(3);
    expect(await timed.proxy.later('a')).toBe('a!');
    expect(await timed.proxy.later('b')).toBe('b!');
    expect(timed.calls('add')).toBe(1);
    expect(timed.calls('later')).toBe(2);
    expect(timed.calls('none')).toBe(0);
    expect(timed.ms('later')).toBeGreaterThanOrEqual(0);
    timed.reset();
    expect(timed.calls('later')).toBe(0);
  });

  it('records a rejected call and rethrows', async () => {
    const timed = timeMethods({ fail: async () => Promise.reject(new Error('no')) });
    await expect(timed.proxy.fail()).rejects.toThrow('no');
    expect(timed.calls('fail')).toBe(1);
  });
});
